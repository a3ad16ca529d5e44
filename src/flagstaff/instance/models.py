"""One row per instance-wide setting, such as the Frontend API's allowed origins.

Settings live in the database, not in a process, so every server behind one database agrees.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from flagstaff.core.db import Base, JSONType, UTCDateTime, utcnow


class InstanceSetting(Base):
    __tablename__ = "settings"

    name: Mapped[str] = mapped_column(String(255), primary_key=True)
    content: Mapped[Any] = mapped_column(JSONType, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
