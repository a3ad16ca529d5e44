"""What a project's overview, health report and status pages show, computed from the flags, the
event log and access rows at read time.

Unleash stores some of these figures (a project's ``health``, the 30-day ``stats``, each flag's
``potentially_stale`` mark) through hourly jobs; here they are computed when asked, with the same
rules, so they are never an hour behind. What Flagstaff has no data for is reported as Unleash
reports a project with no such history: lifecycle ``averageDays`` is null for a stage no flag has
left yet, and ``projectMembersAddedCurrentWindow`` is 0 (project access rows carry no date)."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import pairwise
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, object_session

from flagstaff.accounts.models import Account
from flagstaff.core.errors import NotFoundError
from flagstaff.events.models import Event
from flagstaff.flags.environments.models import Environment
from flagstaff.flags.features.lifecycle import (
    COMPLETED,
    COUNT_KEYS,
    INITIAL,
    LIVE,
    PRE_LIVE,
    RANK,
    current_stages,
)
from flagstaff.flags.features.models import (
    Feature,
    FeatureEnvironment,
    FeatureLifecycleStage,
)
from flagstaff.flags.features.types import stored_lifetimes
from flagstaff.flags.projects.models import Project, ProjectEnvironment
from flagstaff.flags.segments.models import Segment
from flagstaff.rbac.models import ProjectRoleAssignment
from flagstaff.rbac.principal import ADMIN_TOKEN_USER_ID, SYSTEM_USER_ID

WINDOW = timedelta(days=30)
ACTIVITY_SPAN = timedelta(days=365)
# Unleash keeps rows in ``users`` for the callers that are not accounts; here they are constants.
NON_ACCOUNT_CREATORS = {
    ADMIN_TOKEN_USER_ID: "Unleash Admin Token User",
    SYSTEM_USER_ID: "Unleash System",
}
PRODUCTION = "production"


@dataclass(frozen=True, slots=True)
class Health:
    active: int
    stale: int
    potentially_stale: int

    @property
    def rating(self) -> int:
        """Unleash's rule: 100 less the share of stale and of potentially stale flags,
        rounded half up (JavaScript's ``Math.round``)."""
        total = self.active + self.stale
        if total == 0:
            return 100
        percent = 100 - (self.stale * 100 / total) - (self.potentially_stale * 100 / total)
        return math.floor(percent + 0.5)


def is_potentially_stale(flag: Feature, now: datetime, lifetimes: Mapping[str, int | None]) -> bool:
    """Not marked stale, and older than its type's lifetime (None: never potentially stale)."""
    lifetime = lifetimes.get(flag.type)
    if flag.stale or lifetime is None:
        return False
    return now - flag.created_at >= timedelta(days=lifetime)


def health_of(flags: list[Feature], now: datetime) -> Health:
    # The lifetimes an admin set (PUT /api/admin/feature-types/{id}/lifetime), read in the
    # flags' own session.
    session = object_session(flags[0]) if flags else None
    lifetimes = stored_lifetimes(session) if session is not None else {}
    stale = sum(1 for f in flags if f.stale)
    return Health(
        active=len(flags) - stale,
        stale=stale,
        potentially_stale=sum(1 for f in flags if is_potentially_stale(f, now, lifetimes)),
    )


class ProjectOverviewService:
    def __init__(self, session: Session) -> None:
        self.session = session

    def project(self, project_id: str) -> Project:
        found = self.session.get(Project, project_id)
        if found is None:
            raise NotFoundError("No project found")
        return found

    def active_flags(self, project_id: str) -> list[Feature]:
        return list(
            self.session.scalars(
                select(Feature)
                .where(Feature.project == project_id, Feature.archived_at.is_(None))
                .order_by(Feature.created_at, Feature.name)
            )
        )

    def environments(self, project_id: str) -> list[dict[str, Any]]:
        rows = self.session.execute(
            select(ProjectEnvironment.environment, ProjectEnvironment.default_strategy)
            .join(Environment, Environment.name == ProjectEnvironment.environment)
            .where(ProjectEnvironment.project_id == project_id)
            .order_by(Environment.sort_order, Environment.name)
        )
        return [
            {"environment": name}
            if strategy is None
            else {"environment": name, "defaultStrategy": strategy}
            for name, strategy in rows
        ]

    def members(self, project_id: str) -> int:
        count = self.session.scalar(
            select(func.count(func.distinct(ProjectRoleAssignment.account_id))).where(
                ProjectRoleAssignment.project == project_id
            )
        )
        return int(count or 0)

    def stats(self, project_id: str, now: datetime) -> dict[str, float]:
        current, past = now - WINDOW, now - 2 * WINDOW
        return {
            "avgTimeToProdCurrentWindow": self._average_time_to_production(project_id),
            "createdCurrentWindow": self._count_flags(project_id, Feature.created_at, current),
            "createdPastWindow": self._count_flags(project_id, Feature.created_at, past, current),
            "archivedCurrentWindow": self._count_flags(project_id, Feature.archived_at, current),
            "archivedPastWindow": self._count_flags(project_id, Feature.archived_at, past, current),
            "projectActivityCurrentWindow": self._count_events(project_id, current),
            "projectActivityPastWindow": self._count_events(project_id, past, current),
            "projectMembersAddedCurrentWindow": 0,
        }

    def onboarding_status(self, project_id: str, flags: list[Feature]) -> dict[str, str]:
        """Unleash's steps: an SDK has seen one of the project's flags (``sdk-connected``),
        and one was also enabled somewhere (``onboarded``); before that, the first flag."""
        seen = self.session.scalar(
            select(func.count())
            .select_from(Feature)
            .outerjoin(FeatureEnvironment, FeatureEnvironment.feature_name == Feature.name)
            .where(
                Feature.project == project_id,
                or_(
                    Feature.last_seen_at.is_not(None), FeatureEnvironment.last_seen_at.is_not(None)
                ),
            )
        )
        if seen:
            enabled = self.session.scalar(
                select(func.count())
                .select_from(Event)
                .where(Event.project == project_id, Event.type == "feature-environment-enabled")
            )
            return {"status": "onboarded" if enabled else "sdk-connected"}
        if flags:
            return {"status": "first-flag-created", "feature": flags[0].name}
        return {"status": "onboarding-started"}

    def flag_creators(self, project_id: str) -> list[dict[str, Any]]:
        creator_ids = self.session.scalars(
            select(Feature.created_by_user_id)
            .where(
                Feature.project == project_id,
                Feature.archived_at.is_(None),
                Feature.created_by_user_id.is_not(None),
            )
            .distinct()
        ).all()
        accounts = {
            a.id: a
            for a in self.session.scalars(select(Account).where(Account.id.in_(creator_ids)))
        }
        creators = []
        for creator_id in sorted(i for i in creator_ids if i is not None):
            account = accounts.get(creator_id)
            name = (
                (account.name or account.username or account.email)
                if account is not None
                else NON_ACCOUNT_CREATORS.get(creator_id)
            )
            if name:  # a deleted account, or one with no name at all, is left out, as Unleash
                creators.append({"id": creator_id, "name": name})
        return creators

    def resources(self, project_id: str, api_tokens: int) -> dict[str, int]:
        """Unleash's counts of what a project holds; its API tokens are counted by the caller
        (tokens live above flags)."""
        segments = self.session.scalar(
            select(func.count()).select_from(Segment).where(Segment.project == project_id)
        )
        return {
            "members": self.members(project_id),
            "apiTokens": api_tokens,
            "segments": int(segments or 0),
        }

    def activity_by_date(self, project_id: str, now: datetime) -> list[dict[str, Any]]:
        """Events of the past year per UTC day, oldest first. Counted here rather than grouped
        in SQL: the day of a timestamp is spelt differently on each engine."""
        stamps = self.session.scalars(
            select(Event.created_at).where(
                Event.project == project_id, Event.created_at >= now - ACTIVITY_SPAN
            )
        )
        days = Counter(stamp.strftime("%Y-%m-%d") for stamp in stamps)
        return [{"date": day, "count": days[day]} for day in sorted(days)]

    def lifecycle_summary(
        self, project_id: str, flags: list[Feature], now: datetime
    ) -> dict[str, Any]:
        """Active flags by their furthest stage, and the average days flags stayed in a stage
        before entering the next one (None while no flag has left it)."""
        stages = current_stages(self.session, [f.name for f in flags])
        current = Counter(stages[f.name].stage if f.name in stages else INITIAL for f in flags)
        average = self._average_days_in_stage(project_id)
        summary: dict[str, Any] = {
            COUNT_KEYS[stage]: {"averageDays": average.get(stage), "currentFlags": current[stage]}
            for stage in (INITIAL, PRE_LIVE, LIVE, COMPLETED)
        }
        summary["archived"] = {
            "currentFlags": self._count_flags(project_id, Feature.archived_at),
            "last30Days": self._count_flags(project_id, Feature.archived_at, now - WINDOW),
        }
        return summary

    def _average_days_in_stage(self, project_id: str) -> dict[str, float]:
        rows = self.session.scalars(
            select(FeatureLifecycleStage)
            .join(Feature, Feature.name == FeatureLifecycleStage.feature_name)
            .where(Feature.project == project_id)
        )
        by_flag: dict[str, list[FeatureLifecycleStage]] = {}
        for row in rows:
            by_flag.setdefault(row.feature_name, []).append(row)
        days: dict[str, list[float]] = {}
        for entered in by_flag.values():
            entered.sort(key=lambda row: (row.created_at, RANK.get(row.stage, -1)))
            for stage, following in pairwise(entered):
                spent = (following.created_at - stage.created_at).total_seconds() / 86_400
                days.setdefault(stage.stage, []).append(spent)
        return {stage: round(sum(spent) / len(spent), 1) for stage, spent in days.items()}

    def _count_flags(
        self,
        project_id: str,
        column: Any,
        since: datetime | None = None,
        until: datetime | None = None,
    ) -> int:
        query = (
            select(func.count())
            .select_from(Feature)
            .where(Feature.project == project_id, column.is_not(None))
        )
        if since is not None:
            query = query.where(column >= since)
        if until is not None:
            query = query.where(column < until)
        return int(self.session.scalar(query) or 0)

    def _count_events(self, project_id: str, since: datetime, until: datetime | None = None) -> int:
        query = (
            select(func.count())
            .select_from(Event)
            .where(Event.project == project_id, Event.created_at >= since)
        )
        if until is not None:
            query = query.where(Event.created_at < until)
        return int(self.session.scalar(query) or 0)

    def _average_time_to_production(self, project_id: str) -> float:
        """Unleash's figure: for release flags, whole days from creation to the first time
        they were enabled in a production environment, averaged to one decimal; 0.1 when
        that average rounds to 0, 0 when no flag got there."""
        rows = self.session.execute(
            select(Feature.name, Feature.created_at, func.min(Event.created_at))
            .join(Event, Event.feature_name == Feature.name)
            .join(Environment, Environment.name == Event.environment)
            .where(
                Feature.project == project_id,
                Feature.type == "release",
                Event.type == "feature-environment-enabled",
                Environment.type == PRODUCTION,
                Event.created_at > Feature.created_at,
            )
            .group_by(Feature.name, Feature.created_at)
        ).all()
        if not rows:
            return 0
        days = [(enabled - created).days for _, created, enabled in rows]
        return round(sum(days) / len(days), 1) or 0.1
