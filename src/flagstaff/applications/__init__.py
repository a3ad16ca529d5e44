"""Applications that SDKs announced, and what admins say about them."""
