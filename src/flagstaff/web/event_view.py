"""How the event log page shows an event: who (and with which token, from where), what, and the
change as a short diff."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flagstaff.events.models import Event

MAX_VALUE = 140
MAX_FIELDS = 10


@dataclass(frozen=True)
class Change:
    key: str
    before: str | None  # None: the key was not there before
    after: str | None  # None: the key is gone


@dataclass(frozen=True)
class EventRow:
    id: int
    type: str
    created_at: datetime
    actor: str
    actor_id: int | None
    project: str | None
    environment: str | None
    feature: str | None
    changes: list[Change]  # what an update changed, key by key
    summary: list[tuple[str, str]]  # what a creation set, or what a deletion removed
    removed: bool
    raw: str
    # Who made it from where: the account token (for a change made with one), the client's
    # address and its user agent, when the event has them.
    token_id: int | None
    token_hint: str | None
    ip: str | None
    user_agent: str | None


def shown(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value, sort_keys=True, default=str)
    return text if len(text) <= MAX_VALUE else text[: MAX_VALUE - 1] + "…"


def changes_of(data: Any, pre_data: Any) -> list[Change]:
    """Keys that differ between ``preData`` and ``data`` (an update)."""
    if isinstance(data, dict) and isinstance(pre_data, dict):
        keys = list(dict.fromkeys([*pre_data, *data]))
        found = [
            Change(
                k,
                shown(pre_data[k]) if k in pre_data else None,
                shown(data[k]) if k in data else None,
            )
            for k in keys
            if pre_data.get(k) != data.get(k) or (k in pre_data) != (k in data)
        ]
        return found[:MAX_FIELDS]
    if data is not None and pre_data is not None and data != pre_data:
        return [Change("value", shown(pre_data), shown(data))]
    return []


def summary_of(payload: Any) -> list[tuple[str, str]]:
    """A one-line account of a payload: its fields that hold something."""
    if isinstance(payload, dict):
        pairs = [(str(k), shown(v)) for k, v in payload.items() if v not in (None, [], {}, "")]
        return pairs[:MAX_FIELDS]
    if payload is None:
        return []
    return [("value", shown(payload))]


def event_row(event: Event) -> EventRow:
    raw = {"data": event.data, "preData": event.pre_data}
    before = event.pre_data
    changes = changes_of(event.data, before) if event.data != before else []
    return EventRow(
        id=event.id,
        type=event.type,
        created_at=event.created_at,
        actor=event.created_by,
        actor_id=event.created_by_user_id,
        project=event.project,
        environment=event.environment,
        feature=event.feature_name,
        changes=changes,
        summary=[] if changes else summary_of(event.data if event.data is not None else before),
        removed=event.data is None and before is not None,
        raw=json.dumps(raw, indent=2, sort_keys=True, default=str),
        token_id=event.token_id,
        token_hint=event.token_hint,
        ip=event.ip,
        user_agent=event.user_agent,
    )
