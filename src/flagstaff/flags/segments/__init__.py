"""Segments: named, reusable lists of constraints that strategies refer to."""
