"""The Frontend API that browser SDKs call: flags evaluated on the server for a context, with
CORS for the origins an admin allows."""
