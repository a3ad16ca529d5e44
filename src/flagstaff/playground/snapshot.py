"""What the playground shows beside an evaluation, read in one snapshot with the revision: every
strategy of the flags in scope (disabled ones too, which the Client API leaves out), with its id
and title, and the segments they name.

The evaluation itself uses the Client API payload of the same revision, so the two agree: its
strategies are exactly the enabled ones below, in the same order.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from flagstaff.core import revision
from flagstaff.core.db import Database
from flagstaff.core.errors import BadDataError
from flagstaff.flags.environments.models import Environment
from flagstaff.flags.features.models import Feature
from flagstaff.flags.projects.models import Project
from flagstaff.flags.segments.models import Segment
from flagstaff.flags.strategies.models import FeatureStrategy


@dataclass(frozen=True, slots=True)
class StrategyRow:
    id: str
    name: str
    title: str | None
    disabled: bool
    parameters: dict[str, Any]
    constraints: list[dict[str, Any]]
    segment_ids: list[int]


@dataclass(frozen=True, slots=True)
class SegmentRow:
    id: int
    name: str
    constraints: list[dict[str, Any]]


@dataclass
class Snapshot:
    revision: int
    # environment -> flag name -> strategies in evaluation order
    strategies: dict[str, dict[str, list[StrategyRow]]] = field(default_factory=dict)
    segments: dict[int, SegmentRow] = field(default_factory=dict)


def read(
    database: Database, projects: Sequence[str] | None, environments: Sequence[str]
) -> Snapshot:
    """Refuses (400) an environment or project that does not exist, naming it."""
    with database.session(write=False) as session:
        if session.get_bind().dialect.name == "postgresql":
            session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
        snapshot = Snapshot(revision.read(session))
        _check_exist(session, projects, environments)
        used: set[int] = set()
        for environment in environments:
            by_flag: dict[str, list[StrategyRow]] = defaultdict(list)
            for row in _strategies(session, environment, projects):
                by_flag[row.feature_name].append(_row(row))
                used.update(row.segment_ids)
            snapshot.strategies[environment] = dict(by_flag)
        for segment in session.scalars(select(Segment).where(Segment.id.in_(used))):
            snapshot.segments[segment.id] = SegmentRow(
                segment.id, segment.name, list(segment.constraints)
            )
        return snapshot


def _check_exist(
    session: Session, projects: Sequence[str] | None, environments: Sequence[str]
) -> None:
    known_environments = set(
        session.scalars(select(Environment.name).where(Environment.name.in_(environments)))
    )
    for environment in environments:
        if environment not in known_environments:
            raise BadDataError(f'The environment "{environment}" does not exist')
    if projects is None:
        return
    known_projects = set(
        session.scalars(
            select(Project.id).where(Project.id.in_(projects), Project.archived_at.is_(None))
        )
    )
    for project in projects:
        if project not in known_projects:
            raise BadDataError(f'The project "{project}" does not exist')


def _strategies(
    session: Session, environment: str, projects: Sequence[str] | None
) -> list[FeatureStrategy]:
    # The Client API payload's order (client_api/payload.py), disabled strategies included.
    statement = (
        select(FeatureStrategy)
        .join(Feature, Feature.name == FeatureStrategy.feature_name)
        .where(Feature.archived_at.is_(None), FeatureStrategy.environment == environment)
        .order_by(FeatureStrategy.sort_order, FeatureStrategy.created_at, FeatureStrategy.id)
    )
    if projects is not None:
        statement = statement.where(Feature.project.in_(projects))
    return list(session.scalars(statement))


def _row(strategy: FeatureStrategy) -> StrategyRow:
    return StrategyRow(
        id=strategy.id,
        name=strategy.strategy_name,
        title=strategy.title,
        disabled=strategy.disabled,
        parameters=dict(strategy.parameters),
        constraints=[c for c in strategy.constraints if isinstance(c, dict)],
        segment_ids=strategy.segment_ids,
    )
