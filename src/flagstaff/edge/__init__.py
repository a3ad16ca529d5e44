"""Endpoints for Unleash Edge."""
