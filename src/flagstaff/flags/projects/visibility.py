"""Which projects' flags a caller sees."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_, or_

from flagstaff.flags.projects.models import Project


@dataclass(frozen=True)
class Visibility:
    """Which projects' flags a caller sees: every project for an Admin; otherwise every
    project that is not private, and the private ones the caller holds a role in. A token
    limited to some projects (``only``) sees those at most."""

    every_project: bool
    member_of: frozenset[str] = frozenset()
    only: frozenset[str] | None = None

    def condition(self) -> ColumnElement[bool] | None:
        """What a project must satisfy to be seen; None when every project is."""
        clauses: list[ColumnElement[bool]] = []
        if not self.every_project:
            clauses.append(or_(Project.mode != "private", Project.id.in_(self.member_of)))
        if self.only is not None:
            clauses.append(Project.id.in_(self.only))
        return and_(*clauses) if clauses else None
