"""Evaluating flags for a context on behalf of an admin (Unleash's playground)."""
