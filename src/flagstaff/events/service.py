"""Recording and reading events. Services call ``record`` inside their own transaction."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Select, Text, cast, func, or_, select
from sqlalchemy.orm import Session

from flagstaff.core import revision
from flagstaff.core.db import LIKE_ESCAPE, contains_pattern
from flagstaff.events.models import Event
from flagstaff.events.outbox import fan_out
from flagstaff.rbac.principal import (
    ADMIN_TOKEN_USER_ID,
    SYSTEM_USER_ID,
    SYSTEM_USER_NAME,
    Principal,
)

# Keys that must never reach the event log, whatever a caller passes in. Compared after
# lower-casing and dropping "_" and "-", so ``passwordHash``, ``password_hash`` and
# ``Password-Hash`` are one key; any key ending in "password" or "secret" goes too. Keys that
# merely describe a secret (``tokenName``, ``tokens`` as a list of metadata) stay.
SECRET_KEYS = frozenset(
    {
        "password",
        "passwordhash",
        "secret",
        "token",
        "digest",
        "verifier",
        "accesstoken",
        "refreshtoken",
        "apikey",
        "authorization",
        "cookie",
        "sessionid",
        "privatekey",
    }
)
SECRET_SUFFIXES = ("password", "secret")
# What Unleash's event creators list calls the callers that are not accounts.
CREATOR_NAMES = {SYSTEM_USER_ID: "Unleash System", ADMIN_TOKEN_USER_ID: "Unleash Admin Token"}


@dataclass(frozen=True, slots=True)
class Actor:
    """Who made a change, as the event log records it: the account, and for a request made
    with an account token, which token, from where and with what client."""

    name: str
    user_id: int | None
    ip: str | None = None
    token_id: int | None = None
    token_hint: str | None = None
    user_agent: str | None = None

    @classmethod
    def of(cls, principal: Principal, ip: str | None, user_agent: str | None = None) -> Actor:
        token = principal.credential_hint is not None
        return cls(
            principal.audit_name,
            principal.audit_user_id,
            ip,
            token_id=principal.credential_id if token else None,
            token_hint=principal.credential_hint,
            user_agent=user_agent[:MAX_USER_AGENT] if user_agent else None,
        )


S = TypeVar("S", bound=Select[Any])
MAX_USER_AGENT = 512

SYSTEM = Actor(SYSTEM_USER_NAME, SYSTEM_USER_ID)


def is_secret_key(key: object) -> bool:
    normal = str(key).lower().replace("_", "").replace("-", "")
    return normal in SECRET_KEYS or normal.endswith(SECRET_SUFFIXES)


def scrub(payload: Any) -> Any:
    """A copy of ``payload`` without secret-bearing keys, at any depth."""
    if isinstance(payload, Mapping):
        return {k: scrub(v) for k, v in payload.items() if not is_secret_key(k)}
    if isinstance(payload, list | tuple):
        return [scrub(item) for item in payload]
    return payload


@dataclass(frozen=True, slots=True)
class EventFilter:
    """What a search asks for. Each tuple matches any of its values; empty means "any"."""

    types: tuple[str, ...] = ()
    created_by: tuple[str, ...] = ()
    created_by_user_ids: tuple[int, ...] = ()
    projects: tuple[str, ...] = ()
    environments: tuple[str, ...] = ()
    features: tuple[str, ...] = ()
    event_ids: tuple[int, ...] = ()
    token_ids: tuple[int, ...] = ()
    since: datetime | None = None
    until: datetime | None = None
    query: str | None = None
    # Unleash shows callers without ADMIN only events that belong to a project: account and
    # role events name people and e-mail addresses.
    project_events_only: bool = False


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
        """Write the event, queue it for its subscribers (``events.outbox``) and bump the
        revision, all in the caller's transaction."""
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
            token_id=actor.token_id,
            token_hint=actor.token_hint,
            user_agent=actor.user_agent,
        )
        self.session.add(event)
        self.session.flush()
        fan_out(self.session, event)
        revision.bump(self.session)
        return event

    def search(self, criteria: EventFilter, offset: int, limit: int) -> tuple[list[Event], int]:
        """One page of matching events, newest first, and how many match in all."""
        total = self.session.execute(_filtered(select(func.count(Event.id)), criteria)).scalar_one()
        rows = self.session.scalars(
            _filtered(select(Event), criteria).order_by(Event.id.desc()).offset(offset).limit(limit)
        ).all()
        return list(rows), total

    def creators(self) -> list[tuple[int, str]]:
        """Everyone who has made a change, by user id, with the name their latest event
        recorded (the route names current accounts by their current names)."""
        latest = (
            select(Event.created_by_user_id.label("user_id"), func.max(Event.id).label("last"))
            .where(Event.created_by_user_id.is_not(None))
            .group_by(Event.created_by_user_id)
            .subquery()
        )
        rows = self.session.execute(
            select(latest.c.user_id, Event.created_by)
            .join(Event, Event.id == latest.c.last)
            .order_by(latest.c.user_id)
        )
        return [(user_id, recorded) for user_id, recorded in rows]


def _filtered(statement: S, criteria: EventFilter) -> S:
    matches: list[tuple[Any, tuple[Any, ...]]] = [
        (Event.type, criteria.types),
        (Event.project, criteria.projects),
        (Event.environment, criteria.environments),
        (Event.feature_name, criteria.features),
        (Event.id, criteria.event_ids),
        (Event.token_id, criteria.token_ids),
    ]
    for column, values in matches:
        if values:
            statement = statement.where(column.in_(values))
    if criteria.created_by or criteria.created_by_user_ids:
        statement = statement.where(
            or_(
                Event.created_by.in_(criteria.created_by),
                Event.created_by_user_id.in_(criteria.created_by_user_ids),
            )
        )
    if criteria.since is not None:
        statement = statement.where(Event.created_at >= criteria.since)
    if criteria.until is not None:
        statement = statement.where(Event.created_at < criteria.until)
    if criteria.project_events_only:
        statement = statement.where(Event.project.is_not(None))
    if criteria.query:
        statement = statement.where(_text_match(criteria.query))
    return statement


def _text_match(query: str) -> ColumnElement[bool]:
    """Case-insensitive substring match over the payloads (as Unleash) and the named columns.

    JSON is searched as text; SQLite's copy escapes non-ASCII characters and quotes as JSON
    does, so the JSON-escaped form of the query is tried as well."""
    patterns = {contains_pattern(query), contains_pattern(json.dumps(query)[1:-1])}
    columns = [
        cast(Event.data, Text),
        cast(Event.pre_data, Text),
        cast(Event.tags, Text),
        Event.type,
        Event.created_by,
        Event.feature_name,
        Event.project,
        Event.environment,
    ]
    return or_(
        *(
            func.coalesce(column, "").ilike(pattern, escape=LIKE_ESCAPE)
            for column in columns
            for pattern in patterns
        )
    )
