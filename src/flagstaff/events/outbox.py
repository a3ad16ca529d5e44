"""The outbox: for each event, one entry per enabled subscription whose filters it passes,
written by ``EventService.record`` in the event's transaction. Sending is someone else's job
(``addons.delivery``); nothing here talks to the network."""

from __future__ import annotations

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from flagstaff.events.models import Event, EventSubscription, OutboxEntry

WILDCARD = "*"


def passes(values: list[str], value: str | None) -> bool:
    """Unleash's rule for the project and environment filters: an empty list or ``*`` lets
    every event through, and so does an event that does not name one."""
    return value is None or not values or values[0] == WILDCARD or value in values


def wants(subscription: EventSubscription, event: Event) -> bool:
    return (
        subscription.enabled
        and event.type in subscription.event_types
        and passes(subscription.projects, event.project)
        and passes(subscription.environments, event.environment)
    )


def fan_out(session: Session, event: Event) -> int:
    """Queue ``event`` for every subscription that wants it; how many entries were written."""
    subscriptions = session.scalars(
        select(EventSubscription).where(EventSubscription.enabled.is_(True))
    ).all()
    rows = [
        {
            "subscription_id": s.id,
            "event_id": event.id,
            "created_at": event.created_at,
            "due_at": event.created_at,
        }
        for s in subscriptions
        if wants(s, event)
    ]
    if rows:
        session.execute(insert(OutboxEntry), rows)
    return len(rows)
