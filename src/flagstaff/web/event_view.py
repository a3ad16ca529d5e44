"""How the event log page shows an event: who, what, and the change as a short diff."""

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
    changes: list[Change]
    raw: str


def shown(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value, sort_keys=True, default=str)
    return text if len(text) <= MAX_VALUE else text[: MAX_VALUE - 1] + "…"


def changes_of(data: Any, pre_data: Any) -> list[Change]:
    """Keys that differ between ``preData`` and ``data``; for a creation, what was set; for a
    deletion, what was there."""
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
    if isinstance(data, dict):
        return [Change(k, None, shown(v)) for k, v in data.items() if v is not None][:MAX_FIELDS]
    if isinstance(pre_data, dict):
        return [Change(k, shown(v), None) for k, v in pre_data.items() if v is not None][
            :MAX_FIELDS
        ]
    if data is not None or pre_data is not None:
        return [
            Change(
                "value",
                None if pre_data is None else shown(pre_data),
                None if data is None else shown(data),
            )
        ]
    return []


def event_row(event: Event) -> EventRow:
    raw = {"data": event.data, "preData": event.pre_data}
    return EventRow(
        id=event.id,
        type=event.type,
        created_at=event.created_at,
        actor=event.created_by,
        actor_id=event.created_by_user_id,
        project=event.project,
        environment=event.environment,
        feature=event.feature_name,
        changes=changes_of(event.data, event.pre_data),
        raw=json.dumps(raw, indent=2, sort_keys=True, default=str),
    )
