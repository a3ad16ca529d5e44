"""Maintenance mode: an admin switch that makes the Admin API and the pages read-only while the
Client and Frontend APIs keep serving SDKs. Stored as Unleash's ``maintenance.mode`` setting."""
