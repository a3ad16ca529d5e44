"""Projects and the environments each one uses."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from flagstaff.core.db import ID_LENGTH, NAME_LENGTH, Base, JSONType, UTCDateTime, utcnow

DEFAULT_PROJECT = "default"


class Project(Base):
    __tablename__ = "projects"
    __table_args__ = (
        CheckConstraint("mode IN ('open', 'protected', 'private')", name="known_mode"),
    )

    id: Mapped[str] = mapped_column(String(ID_LENGTH), primary_key=True)
    name: Mapped[str] = mapped_column(String(NAME_LENGTH), nullable=False)
    description: Mapped[str | None] = mapped_column(Text)
    mode: Mapped[str] = mapped_column(String(16), nullable=False, default="open")
    default_stickiness: Mapped[str] = mapped_column(
        String(NAME_LENGTH), nullable=False, default="default"
    )
    feature_limit: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # An archived project keeps its rows (and its archived flags) so it can be revived.
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    environments: Mapped[list[ProjectEnvironment]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, lazy="selectin"
    )


class ProjectEnvironment(Base):
    """An environment a project uses, with the strategy a flag gets when enabled without one."""

    __tablename__ = "project_environments"

    project_id: Mapped[str] = mapped_column(
        ForeignKey("projects.id", ondelete="CASCADE"), primary_key=True
    )
    environment: Mapped[str] = mapped_column(
        ForeignKey("environments.name", ondelete="CASCADE"), primary_key=True, index=True
    )
    default_strategy: Mapped[Any | None] = mapped_column(JSONType)
