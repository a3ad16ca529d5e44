"""Environments exist once, globally; a project chooses which it uses."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    Integer,
    String,
)
from sqlalchemy.orm import Mapped, mapped_column

from flagstaff.core.db import ID_LENGTH, Base, UTCDateTime, utcnow


class Environment(Base):
    __tablename__ = "environments"

    name: Mapped[str] = mapped_column(String(ID_LENGTH), primary_key=True)
    type: Mapped[str] = mapped_column(String(ID_LENGTH), nullable=False)
    sort_order: Mapped[int] = mapped_column(Integer, nullable=False, default=9999)
    enabled: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    protected: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
