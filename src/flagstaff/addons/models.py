"""An addon's settings and its delivery log. Which events it hears of is its subscription
(``events.models.EventSubscription``), which shares its id."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from flagstaff.core.db import Base, JSONType, UTCDateTime, utcnow

MAX_DESCRIPTION = 1000
MAX_ERROR = 1000


class Addon(Base):
    __tablename__ = "addons"

    id: Mapped[int] = mapped_column(
        ForeignKey("event_subscriptions.id", ondelete="CASCADE"), primary_key=True
    )
    provider: Mapped[str] = mapped_column(String(100), nullable=False)
    description: Mapped[str | None] = mapped_column(String(MAX_DESCRIPTION))
    # Parameters the API may show; the sensitive ones are encrypted under the server secret
    # (``addons.secrets``) and never leave the server again.
    parameters: Mapped[dict[str, Any]] = mapped_column(JSONType, nullable=False)
    sealed_parameters: Mapped[str | None] = mapped_column(Text)
    # The signing secret is derived from this salt and the server secret; neither the secret
    # nor anything that gives it without the server secret is stored.
    signing_salt: Mapped[str] = mapped_column(String(64), nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    created_by: Mapped[str | None] = mapped_column(String(255))


class DeliveryAttempt(Base):
    """One try at delivering one event to one addon: what came of it and how long it took."""

    __tablename__ = "addon_deliveries"
    __table_args__ = (
        Index("ix_addon_deliveries_addon_id_id", "addon_id", "id"),
        CheckConstraint("state IN ('success', 'failed')", name="state_known"),
        {"sqlite_autoincrement": True},  # ids the API shows: never reused
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    addon_id: Mapped[int] = mapped_column(
        ForeignKey("addons.id", ondelete="CASCADE"), nullable=False
    )
    event_id: Mapped[int] = mapped_column(
        ForeignKey("events.id", ondelete="CASCADE"), nullable=False, index=True
    )
    # The outbox entry (gone once delivered): the delivery id receivers see, for de-duplication.
    delivery_id: Mapped[int] = mapped_column(Integer, nullable=False)
    attempt: Mapped[int] = mapped_column(Integer, nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    state: Mapped[str] = mapped_column(String(16), nullable=False)
    status_code: Mapped[int | None] = mapped_column(Integer)
    duration_ms: Mapped[int] = mapped_column(Integer, nullable=False)
    error: Mapped[str | None] = mapped_column(String(MAX_ERROR))
    # When the next attempt is due; None: delivered, or given up.
    retry_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
