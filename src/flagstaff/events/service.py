"""Recording and reading events. Services call ``record`` inside their own transaction."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session

from flagstaff import revision
from flagstaff.auth.principal import SYSTEM_USER_ID, SYSTEM_USER_NAME, Principal
from flagstaff.events.models import Event

# Keys that must never reach the event log, whatever a caller passes in.
SECRET_KEYS = frozenset(
    {"password", "passwordHash", "password_hash", "secret", "token", "digest", "verifier"}
)


@dataclass(frozen=True, slots=True)
class Actor:
    """Who made a change, as the event log records it."""

    name: str
    user_id: int | None
    ip: str | None = None

    @classmethod
    def of(cls, principal: Principal, ip: str | None) -> Actor:
        return cls(principal.audit_name, principal.audit_user_id, ip)


S = TypeVar("S", bound=Select[Any])

SYSTEM = Actor(SYSTEM_USER_NAME, SYSTEM_USER_ID)


def scrub(payload: Any) -> Any:
    if isinstance(payload, Mapping):
        return {k: scrub(v) for k, v in payload.items() if k not in SECRET_KEYS}
    if isinstance(payload, list):
        return [scrub(item) for item in payload]
    return payload


@dataclass(frozen=True, slots=True)
class EventFilter:
    types: tuple[str, ...] = ()
    created_by: str | None = None
    created_by_user_id: int | None = None
    project: str | None = None
    environment: str | None = None
    feature: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    query: str | None = None
    event_id: int | None = None


class EventService:
    def __init__(self, session: Session) -> None:
        self.session = session

    def record(
        self,
        actor: Actor,
        type: str,
        *,
        data: Any = None,
        pre_data: Any = None,
        project: str | None = None,
        environment: str | None = None,
        feature_name: str | None = None,
        tags: list[dict[str, str]] | None = None,
    ) -> Event:
        """Write the event and bump the revision, in the caller's transaction."""
        event = Event(
            type=type,
            created_by=actor.name,
            created_by_user_id=actor.user_id,
            data=scrub(data),
            pre_data=scrub(pre_data),
            project=project,
            environment=environment,
            feature_name=feature_name,
            tags=tags or [],
            ip=actor.ip,
        )
        self.session.add(event)
        self.session.flush()
        revision.bump(self.session)
        return event

    def search(self, criteria: EventFilter, offset: int, limit: int) -> tuple[list[Event], int]:
        statement = self._filtered(select(Event), criteria)
        total = self.session.execute(
            self._filtered(select(func.count(Event.id)), criteria)
        ).scalar_one()
        rows = self.session.scalars(
            statement.order_by(Event.id.desc()).offset(offset).limit(limit)
        ).all()
        return list(rows), total

    @staticmethod
    def _filtered(statement: S, criteria: EventFilter) -> S:
        if criteria.types:
            statement = statement.where(Event.type.in_(criteria.types))
        if criteria.created_by is not None:
            statement = statement.where(Event.created_by == criteria.created_by)
        if criteria.created_by_user_id is not None:
            statement = statement.where(Event.created_by_user_id == criteria.created_by_user_id)
        if criteria.project is not None:
            statement = statement.where(Event.project == criteria.project)
        if criteria.environment is not None:
            statement = statement.where(Event.environment == criteria.environment)
        if criteria.feature is not None:
            statement = statement.where(Event.feature_name == criteria.feature)
        if criteria.since is not None:
            statement = statement.where(Event.created_at >= criteria.since)
        if criteria.until is not None:
            statement = statement.where(Event.created_at < criteria.until)
        if criteria.event_id is not None:
            statement = statement.where(Event.id == criteria.event_id)
        if criteria.query:
            pattern = f"%{criteria.query.lower()}%"
            statement = statement.where(
                or_(
                    func.lower(Event.type).like(pattern),
                    func.lower(Event.created_by).like(pattern),
                    func.lower(func.coalesce(Event.feature_name, "")).like(pattern),
                    func.lower(func.coalesce(Event.project, "")).like(pattern),
                )
            )
        return statement
