"""The event log: every change records an event in its own transaction; the Admin API reads and
searches them."""
