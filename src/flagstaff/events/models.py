"""The event log: one row per change, written in the change's own transaction; who subscribes
to it, and the outbox of what they have yet to receive."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from flagstaff.core.db import Base, JSONType, UTCDateTime, utcnow


class Event(Base):
    __tablename__ = "events"
    __table_args__ = (
        Index("ix_events_type_id", "type", "id"),
        Index("ix_events_project_id", "project", "id"),
        Index("ix_events_feature_name_id", "feature_name", "id"),
        Index("ix_events_created_by_user_id_id", "created_by_user_id", "id"),
        Index("ix_events_token_id_id", "token_id", "id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    type: Mapped[str] = mapped_column(String(100), nullable=False)
    created_at: Mapped[datetime] = mapped_column(
        UTCDateTime, nullable=False, default=utcnow, index=True
    )
    created_by: Mapped[str] = mapped_column(String(255), nullable=False)
    created_by_user_id: Mapped[int | None] = mapped_column(Integer)
    data: Mapped[Any | None] = mapped_column(JSONType)
    pre_data: Mapped[Any | None] = mapped_column(JSONType)
    project: Mapped[str | None] = mapped_column(String(100))
    environment: Mapped[str | None] = mapped_column(String(100))
    feature_name: Mapped[str | None] = mapped_column(String(255))
    tags: Mapped[Any | None] = mapped_column(JSONType)
    ip: Mapped[str | None] = mapped_column(String(64))
    # The account token a change was made with (no foreign key: the event outlives the token's
    # record), its hint, and the caller's user agent.
    token_id: Mapped[int | None] = mapped_column(Integer)
    token_hint: Mapped[str | None] = mapped_column(String(32))
    user_agent: Mapped[str | None] = mapped_column(String(512))


class EventSubscription(Base):
    """Who wants to hear of which events (an addon, today): the event types, and the projects
    and environments an event must belong to. An empty project or environment list, or ``*``,
    means any; an event that names no project (or environment) passes that filter, as in
    Unleash. The subscriber's own settings live with it (``addons.models.Addon``)."""

    __tablename__ = "event_subscriptions"
    # Ids are never reused (SQLite would hand out a deleted last id again): a receiver must
    # not mistake a new addon's deliveries for an old one's.
    __table_args__ = {"sqlite_autoincrement": True}

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    enabled: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    event_types: Mapped[list[str]] = mapped_column(JSONType, nullable=False)
    projects: Mapped[list[str]] = mapped_column(JSONType, nullable=False)
    environments: Mapped[list[str]] = mapped_column(JSONType, nullable=False)


class OutboxEntry(Base):
    """An event a subscriber has yet to receive, written in the event's own transaction, so
    that a delivery is never lost (the event committed) nor invented (it rolled back). The
    deliverer claims an entry until ``claimed_until``, and deletes it once delivered or given
    up; the attempts are in the subscriber's delivery log."""

    __tablename__ = "event_outbox"
    __table_args__ = (
        Index("ix_event_outbox_due_at_id", "due_at", "id"),
        # One entry per subscriber and event: a delivery is never queued twice.
        UniqueConstraint("subscription_id", "event_id"),
        # The id is the delivery id receivers de-duplicate on: never reused, even after the
        # entry is deleted.
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    subscription_id: Mapped[int] = mapped_column(
        ForeignKey("event_subscriptions.id", ondelete="CASCADE"), nullable=False
    )
    event_id: Mapped[int] = mapped_column(
        ForeignKey("events.id", ondelete="CASCADE"), nullable=False
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    attempts: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    claimed_by: Mapped[str | None] = mapped_column(String(255))
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
