"""Inactive users: people nobody has seen, by login or by personal access token, for Unleash's
180 days, listed and deleted by admins. Service accounts are never inactive users."""
