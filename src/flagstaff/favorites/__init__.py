"""Favorite flags and projects: each account's own marks, listed first in the UI and search."""
