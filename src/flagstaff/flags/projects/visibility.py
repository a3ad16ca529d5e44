"""Which projects' flags a caller sees."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Visibility:
    """Which projects' flags a caller sees: every project for an Admin; otherwise every
    project that is not private, and the private ones the caller holds a role in."""

    every_project: bool
    member_of: frozenset[str] = frozenset()
