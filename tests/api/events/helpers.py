"""Writing events directly (as the services do) and reading them back for the event tests."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select, update

from flagstaff.events.models import Event
from flagstaff.events.service import SYSTEM, Actor, EventService
from flagstaff.http.context import AppContext

SEARCH = "/api/admin/search/events"


def record(
    context: AppContext,
    type_: str = "feature-created",
    *,
    actor: Actor = SYSTEM,
    created_at: datetime | None = None,
    **fields: Any,
) -> int:
    """One event, committed; ``created_at`` moves it in time after the fact."""
    with context.database.transaction() as session:
        event = EventService(session).record(actor, type_, **fields)
        if created_at is not None:
            session.execute(update(Event).where(Event.id == event.id).values(created_at=created_at))
        return event.id


def all_events(context: AppContext) -> list[Event]:
    with context.database.session(write=False) as session:
        return list(session.scalars(select(Event).order_by(Event.id)))


def search(client: TestClient, **params: Any) -> dict[str, Any]:
    response = client.get(SEARCH, params=params)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def ids(body: dict[str, Any]) -> list[int]:
    return [event["id"] for event in body["events"]]
