"""Feature flags and what hangs off them directly: their per-environment state, dependencies,
links, lifecycle stages and the per-type lifetimes."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from flagstaff.core.db import ID_LENGTH, NAME_LENGTH, Base, JSONType, UTCDateTime, utcnow


class Feature(Base):
    __tablename__ = "features"
    __table_args__ = (Index("ix_features_project_archived_at", "project", "archived_at"),)

    name: Mapped[str] = mapped_column(String(NAME_LENGTH), primary_key=True)
    # RESTRICT: a project with flags cannot disappear; the service removes archived flags first.
    project: Mapped[str] = mapped_column(
        ForeignKey("projects.id", ondelete="RESTRICT"), nullable=False
    )
    description: Mapped[str | None] = mapped_column(Text)
    type: Mapped[str] = mapped_column(String(ID_LENGTH), nullable=False, default="release")
    stale: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    impression_data: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    created_by_user_id: Mapped[int | None] = mapped_column(Integer)
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    environments: Mapped[list[FeatureEnvironment]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, lazy="selectin"
    )

    @property
    def archived(self) -> bool:
        return self.archived_at is not None


class FeatureEnvironment(Base):
    __tablename__ = "feature_environments"

    feature_name: Mapped[str] = mapped_column(
        ForeignKey("features.name", ondelete="CASCADE"), primary_key=True
    )
    environment: Mapped[str] = mapped_column(
        ForeignKey("environments.name", ondelete="CASCADE"), primary_key=True, index=True
    )
    enabled: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    # The flag's variants in this environment: Unleash's variantSchema objects.
    variants: Mapped[list[Any]] = mapped_column(JSONType, nullable=False, default=list)
    last_seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class FeatureDependency(Base):
    __tablename__ = "feature_dependencies"
    __table_args__ = (CheckConstraint("child <> parent", name="not_self"),)

    child: Mapped[str] = mapped_column(
        ForeignKey("features.name", ondelete="CASCADE"), primary_key=True
    )
    parent: Mapped[str] = mapped_column(
        ForeignKey("features.name", ondelete="CASCADE"), primary_key=True, index=True
    )
    enabled: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    variants: Mapped[list[str]] = mapped_column(JSONType, nullable=False, default=list)


class FeatureLink(Base):
    """A URL about a flag (its ticket, its code search), shown with the flag."""

    __tablename__ = "feature_links"

    id: Mapped[str] = mapped_column(String(26), primary_key=True)  # a ULID, as Unleash's
    feature_name: Mapped[str] = mapped_column(
        ForeignKey("features.name", ondelete="CASCADE"), nullable=False, index=True
    )
    url: Mapped[str] = mapped_column(String(1000), nullable=False)
    title: Mapped[str | None] = mapped_column(String(NAME_LENGTH))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    created_by_user_id: Mapped[int | None] = mapped_column(Integer)


class FeatureLifecycleStage(Base):
    """One stage a flag has entered (initial, pre-live, live, completed, archived), once each."""

    __tablename__ = "feature_lifecycles"

    feature_name: Mapped[str] = mapped_column(
        ForeignKey("features.name", ondelete="CASCADE"), primary_key=True
    )
    stage: Mapped[str] = mapped_column(String(ID_LENGTH), primary_key=True)
    status: Mapped[str | None] = mapped_column(String(ID_LENGTH))  # completed: kept/discarded
    status_value: Mapped[str | None] = mapped_column(String(NAME_LENGTH))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)


class FeatureTypeLifetime(Base):
    """An admin's lifetime for a flag type; the built-in types and defaults live in code."""

    __tablename__ = "feature_type_lifetimes"

    type_id: Mapped[str] = mapped_column(String(ID_LENGTH), primary_key=True)
    lifetime_days: Mapped[int | None] = mapped_column(Integer)  # None: never potentially stale
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
