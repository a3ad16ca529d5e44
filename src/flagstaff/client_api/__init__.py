"""The Client API that backend SDKs poll: its payload, built once per scope and revision and
kept as bytes, the ASGI fast path that serves it, and the documented routes."""
