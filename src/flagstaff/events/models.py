"""The event log: one row per change, written in the change's own transaction."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Index, Integer, String
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
