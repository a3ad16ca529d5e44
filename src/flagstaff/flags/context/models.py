"""Context fields."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    ForeignKey,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from flagstaff.core.db import NAME_LENGTH, Base, JSONType, UTCDateTime, utcnow


class ContextField(Base):
    """A context field constraints may name (``/api/admin/context``), with its legal values.

    ``legal_values`` holds Unleash's ``[{"value": ..., "description": ...}]``. A field with a
    ``project`` is visible only there; names are unique across projects, as in Unleash.
    """

    __tablename__ = "context_fields"

    name: Mapped[str] = mapped_column(String(NAME_LENGTH), primary_key=True)
    description: Mapped[str | None] = mapped_column(Text)
    stickiness: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    sort_order: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    legal_values: Mapped[list[Any]] = mapped_column(JSONType, nullable=False, default=list)
    project: Mapped[str | None] = mapped_column(
        ForeignKey("projects.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
