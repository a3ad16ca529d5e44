"""The applications SDKs announce by registering, and their instances. Written in batches by
``applications.buffer.MetricsBuffer``."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from flagstaff.core.db import ID_LENGTH, NAME_LENGTH, Base, JSONType, UTCDateTime, utcnow


class ClientInstance(Base):
    """An SDK instance as it last registered (``POST /api/client/register``)."""

    __tablename__ = "client_instances"

    app_name: Mapped[str] = mapped_column(String(NAME_LENGTH), primary_key=True)
    instance_id: Mapped[str] = mapped_column(String(NAME_LENGTH), primary_key=True)
    environment: Mapped[str] = mapped_column(String(ID_LENGTH), primary_key=True)
    sdk_version: Mapped[str | None] = mapped_column(String(NAME_LENGTH))
    strategies: Mapped[list[Any]] = mapped_column(JSONType, nullable=False, default=list)
    interval: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)


class ClientApplication(Base):
    """An application SDKs announced by registering, with what an admin said about it."""

    __tablename__ = "client_applications"

    app_name: Mapped[str] = mapped_column(String(NAME_LENGTH), primary_key=True)
    description: Mapped[str | None] = mapped_column(Text)
    url: Mapped[str | None] = mapped_column(String(1000))
    color: Mapped[str | None] = mapped_column(String(50))
    icon: Mapped[str | None] = mapped_column(String(NAME_LENGTH))
    created_by: Mapped[str | None] = mapped_column(String(NAME_LENGTH))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
