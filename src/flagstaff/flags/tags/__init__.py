"""Tag types and the tags on flags."""
