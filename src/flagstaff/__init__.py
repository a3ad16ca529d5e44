"""Flagstaff: an open-source feature-flag server that speaks Unleash's HTTP API."""

__version__ = "0.1.0"
