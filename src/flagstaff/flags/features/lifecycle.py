"""A flag's lifecycle (Unleash's feature lifecycle): the stages it has entered, once each.

- ``initial`` when the flag is created (by hand, clone or import: all go through
  ``FeatureService.create``);
- ``pre-live`` when SDKs first report metrics for it in any environment, and ``live`` when they
  do in a production-type environment where the flag is enabled (Unleash's rule: switching a
  flag on moves no stage by itself). Written by the metrics flush, in its batch transaction;
- ``completed`` (``kept`` or ``discarded``) when someone says so; uncompleting removes it;
- ``archived`` when the flag is archived. Reviving starts the lifecycle again at ``initial``, as
  Unleash does.

The current stage is the furthest one entered (archived, completed, live, pre-live, initial), as
Unleash shows it with the flag. Unleash's stage count instead takes the stage entered last,
which differs when metrics first arrive after completion; here the count uses the current stage
too, so it agrees with what each flag shows.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Subquery, case, delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from flagstaff.core import revision
from flagstaff.core.db import batches, engine_insert, utcnow
from flagstaff.core.errors import NotFoundError
from flagstaff.core.schemas import iso
from flagstaff.events.service import Actor, EventService
from flagstaff.flags import lookup
from flagstaff.flags.environments.models import Environment
from flagstaff.flags.features.models import (
    Feature,
    FeatureEnvironment,
    FeatureLifecycleStage,
)
from flagstaff.flags.projects.models import Project
from flagstaff.flags.projects.visibility import Visibility

log = logging.getLogger(__name__)

INITIAL, PRE_LIVE, LIVE, COMPLETED, ARCHIVED = (
    "initial",
    "pre-live",
    "live",
    "completed",
    "archived",
)
STAGES = (INITIAL, PRE_LIVE, LIVE, COMPLETED, ARCHIVED)  # from first to furthest
RANK = {stage: rank for rank, stage in enumerate(STAGES)}
# Unleash's featureLifecycleCountSchema keys
COUNT_KEYS = {
    INITIAL: "initial",
    PRE_LIVE: "preLive",
    LIVE: "live",
    COMPLETED: "completed",
    ARCHIVED: "archived",
}


def stage_json(row: FeatureLifecycleStage) -> dict[str, Any]:
    """Unleash's lifecycle stage: ``status`` only for a stage that has one (completed)."""
    body: dict[str, Any] = {"stage": row.stage}
    if row.status is not None:
        body["status"] = row.status
    body["enteredStageAt"] = iso(row.created_at)
    return body


def stages_of(session: Session, feature_name: str) -> list[FeatureLifecycleStage]:
    """The stages entered, in the order they were entered (ties in stage order)."""
    rows = session.scalars(
        select(FeatureLifecycleStage).where(FeatureLifecycleStage.feature_name == feature_name)
    )
    return sorted(rows, key=lambda row: (row.created_at, RANK.get(row.stage, -1)))


def current_stage(rows: Iterable[FeatureLifecycleStage]) -> FeatureLifecycleStage | None:
    """The furthest stage entered."""
    return max(rows, key=lambda row: RANK.get(row.stage, -1), default=None)


def current_ranks() -> Subquery:
    """Each flag's furthest stage as its rank in ``STAGES``: columns ``feature_name``, ``rank``."""
    rank = case(
        *((FeatureLifecycleStage.stage == stage, r) for stage, r in RANK.items()),
        else_=-1,
    )
    return (
        select(FeatureLifecycleStage.feature_name, func.max(rank).label("rank"))
        .group_by(FeatureLifecycleStage.feature_name)
        .subquery()
    )


def current_stages(session: Session, names: Sequence[str]) -> dict[str, FeatureLifecycleStage]:
    """The furthest stage of each named flag that has one."""
    rows: dict[str, list[FeatureLifecycleStage]] = {}
    for chunk in batches(names):
        for row in session.scalars(
            select(FeatureLifecycleStage).where(FeatureLifecycleStage.feature_name.in_(chunk))
        ):
            rows.setdefault(row.feature_name, []).append(row)
    return {name: stage for name, found in rows.items() if (stage := current_stage(found))}


def enter(session: Session, feature_name: str, stage: str, at: datetime | None = None) -> None:
    """Record ``stage`` unless the flag has entered it already. Callers hold the flag's row
    (or have just created it), so no one else records a stage of theirs at the same time."""
    if session.get(FeatureLifecycleStage, (feature_name, stage)) is None:
        session.add(
            FeatureLifecycleStage(feature_name=feature_name, stage=stage, created_at=at or utcnow())
        )
        session.flush()


def restart(session: Session, feature_name: str) -> None:
    """A revived flag starts its lifecycle again at ``initial``, now."""
    session.execute(
        delete(FeatureLifecycleStage).where(FeatureLifecycleStage.feature_name == feature_name)
    )
    session.flush()
    enter(session, feature_name, INITIAL)


class LifecycleService:
    def __init__(self, session: Session) -> None:
        self.session = session
        self.events = EventService(session)

    def stages(self, project_id: str, feature_name: str) -> list[FeatureLifecycleStage]:
        """Archived flags too: their last stage is ``archived``."""
        self._feature(project_id, feature_name, archived_ok=True)
        return stages_of(self.session, feature_name)

    def complete(
        self, actor: Actor, project_id: str, feature_name: str, status: str, value: str | None
    ) -> None:
        """Completing again keeps when the flag was completed but takes the new status (Unleash
        keeps the first status while recording the new one in its event)."""
        self._locked_feature(project_id, feature_name)
        row = self.session.get(FeatureLifecycleStage, (feature_name, COMPLETED))
        if row is None:
            row = FeatureLifecycleStage(feature_name=feature_name, stage=COMPLETED)
            self.session.add(row)
        row.status, row.status_value = status, value
        self.session.flush()
        data: dict[str, Any] = {"status": status}
        if value is not None:
            data["statusValue"] = value
        data["kept"] = status == "kept"
        self.events.record(
            actor, "feature-completed", data=data, project=project_id, feature_name=feature_name
        )

    def uncomplete(self, actor: Actor, project_id: str, feature_name: str) -> None:
        """Nothing to undo (never completed) is no change and records no event."""
        self._locked_feature(project_id, feature_name)
        removed = lookup.affected_rows(
            self.session.execute(
                delete(FeatureLifecycleStage)
                .where(FeatureLifecycleStage.feature_name == feature_name)
                .where(FeatureLifecycleStage.stage == COMPLETED)
            )
        )
        if removed:
            self.events.record(
                actor, "feature-uncompleted", project=project_id, feature_name=feature_name
            )

    def count(self, visibility: Visibility) -> dict[str, int]:
        """How many flags are at each current stage, archived ones included."""
        current = current_ranks()
        query = (
            select(current.c.rank, func.count())
            .join(Feature, Feature.name == current.c.feature_name)
            .group_by(current.c.rank)
        )
        visible = visibility.condition()
        if visible is not None:
            query = query.join(Project, Project.id == Feature.project).where(visible)
        counts = dict.fromkeys(COUNT_KEYS.values(), 0)
        for stage_rank, number in self.session.execute(query):
            if 0 <= stage_rank < len(STAGES):
                counts[COUNT_KEYS[STAGES[stage_rank]]] = number
        return counts

    def _feature(self, project_id: str, feature_name: str, *, archived_ok: bool) -> Feature:
        lookup.project(self.session, project_id)
        if not archived_ok:
            return lookup.feature(self.session, project_id, feature_name)
        feature = self.session.get(Feature, feature_name)
        if feature is None or feature.project != project_id:
            raise NotFoundError(
                f'There\'s no feature named "{feature_name}" in project "{project_id}".'
            )
        return feature

    def _locked_feature(self, project_id: str, feature_name: str) -> Feature:
        """An active flag of the project, its row held until commit, as FeatureService.lock
        holds it: two completions at once do not both insert the stage."""
        lookup.project(self.session, project_id)
        self.session.scalars(
            select(Feature)
            .where(Feature.name == feature_name)
            .with_for_update()
            .execution_options(populate_existing=True)
        ).first()
        return self._feature(project_id, feature_name, archived_ok=False)


# Stages from SDK metrics, written by the metrics flush


def enter_seen(session: Session, seen: Iterable[tuple[str, str]]) -> int:
    """Record ``pre-live`` for each active flag SDKs reported in an environment that exists,
    and ``live`` where that environment is of the production type and the flag is enabled
    there; returns how many stages were new. Runs in a savepoint of the flush's transaction:
    a flag deleted meanwhile costs its stages, never the batch's metrics."""
    pairs = sorted(set(seen))
    if not pairs:
        return 0
    env_types: dict[str, str] = dict(
        session.execute(select(Environment.name, Environment.type)).all()
    )
    production = sorted(name for name, kind in env_types.items() if kind == "production")
    names = sorted({name for name, _ in pairs})
    active: set[str] = set()
    entered: set[tuple[str, str]] = set()
    enabled: set[tuple[str, str]] = set()
    for chunk in batches(names):
        active.update(
            session.scalars(
                select(Feature.name)
                .where(Feature.name.in_(chunk))
                .where(Feature.archived_at.is_(None))
            )
        )
        entered.update(
            (name, stage)
            for name, stage in session.execute(
                select(FeatureLifecycleStage.feature_name, FeatureLifecycleStage.stage)
                .where(FeatureLifecycleStage.feature_name.in_(chunk))
                .where(FeatureLifecycleStage.stage.in_((PRE_LIVE, LIVE)))
            )
        )
        if production:
            enabled.update(
                (name, environment)
                for name, environment in session.execute(
                    select(FeatureEnvironment.feature_name, FeatureEnvironment.environment)
                    .where(FeatureEnvironment.feature_name.in_(chunk))
                    .where(FeatureEnvironment.environment.in_(production))
                    .where(FeatureEnvironment.enabled.is_(True))
                )
            )
    wanted: list[tuple[str, str]] = []
    for name, environment in pairs:
        if name not in active or environment not in env_types:
            continue
        wanted.append((name, PRE_LIVE))
        if (name, environment) in enabled:
            wanted.append((name, LIVE))
    new = [pair for pair in dict.fromkeys(wanted) if pair not in entered]
    if not new:
        return 0
    now = utcnow()
    rows = [
        # live a millisecond after pre-live: entered in the same batch, listed in stage order
        {
            "feature_name": name,
            "stage": stage,
            "created_at": now + timedelta(milliseconds=RANK[stage] - 1),
        }
        for name, stage in new
    ]
    try:
        with session.begin_nested():
            _insert_ignoring_conflicts(session, rows)
    except IntegrityError:
        log.warning("lifecycle stages from metrics skipped: a flag went away meanwhile")
        return 0
    revision.bump(session)  # cached flag bodies show the new stage
    return len(new)


def _insert_ignoring_conflicts(session: Session, rows: Sequence[dict[str, Any]]) -> None:
    for batch in batches(rows):
        statement = engine_insert(session, FeatureLifecycleStage).values(list(batch))
        session.execute(statement.on_conflict_do_nothing(index_elements=["feature_name", "stage"]))
