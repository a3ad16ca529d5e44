"""The flag model: projects, environments, flags and what decides them.

A **project** groups flags and is where project roles are held. An **environment** (development,
production, ...) exists once, globally; a project chooses which environments it uses through
**project_environments** (Unleash's "enable an environment for a project").

A **feature** (flag) belongs to one project and carries the environment-independent fields of
Unleash's client payload: ``name``, ``type``, ``description``, ``stale``, ``impressionData``.
Archiving sets ``archived_at``; an archived flag keeps its rows so it can be revived.

Per environment, a flag has one **feature_environments** row: ``enabled`` and the flag's
``variants`` for that environment (the client payload's top-level ``variants``). Rows exist for
every environment the project uses: they are created with the flag, added when the project enables
an environment, and removed (with their strategies) when it disables one.

A **feature_strategies** row is one activation strategy of a flag in one environment: the strategy
``name`` (a strategy definition), ``parameters`` (string to string), ``constraints`` (the client
specification's constraint objects, stored as given after validation), strategy ``variants``,
``title``, ``disabled`` and ``sort_order``. It references its feature_environments row, so removing
the environment from the project removes its strategies. Segments attach through
**feature_strategy_segments**; a segment in use cannot be deleted (RESTRICT).

**segments** are named, reusable lists of constraints, optionally scoped to one project.
**feature_dependencies** say a child flag is only evaluated when its parent (same project) is
enabled, or disabled (``enabled`` false), or enabled with one of ``variants``.
**strategy_definitions** list the strategies one may use (the built-in ones are seeded and cannot
change); **tag_types** and **feature_tags** label flags.

So the Client API payload for one environment is, per unarchived flag in the scope's projects:
the feature row + its feature_environments row for that environment (``enabled``, ``variants``)
+ its strategies there ordered by ``sort_order`` (with segment ids) + its dependencies.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from flagstaff.core.db import Base, JSONType, UTCDateTime, utcnow

ID_LENGTH = 100
NAME_LENGTH = 255
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


class Environment(Base):
    __tablename__ = "environments"

    name: Mapped[str] = mapped_column(String(ID_LENGTH), primary_key=True)
    type: Mapped[str] = mapped_column(String(ID_LENGTH), nullable=False)
    sort_order: Mapped[int] = mapped_column(Integer, nullable=False, default=9999)
    enabled: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    protected: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)


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


class FeatureStrategy(Base):
    __tablename__ = "feature_strategies"
    __table_args__ = (
        ForeignKeyConstraint(
            ["feature_name", "environment"],
            ["feature_environments.feature_name", "feature_environments.environment"],
            ondelete="CASCADE",
            name="fk_feature_strategies_feature_environment",
        ),
        Index("ix_feature_strategies_feature_name_environment", "feature_name", "environment"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)  # a UUID, as Unleash
    feature_name: Mapped[str] = mapped_column(String(NAME_LENGTH), nullable=False)
    environment: Mapped[str] = mapped_column(String(ID_LENGTH), nullable=False)
    strategy_name: Mapped[str] = mapped_column(String(NAME_LENGTH), nullable=False)
    title: Mapped[str | None] = mapped_column(String(NAME_LENGTH))
    parameters: Mapped[dict[str, Any]] = mapped_column(JSONType, nullable=False, default=dict)
    constraints: Mapped[list[Any]] = mapped_column(JSONType, nullable=False, default=list)
    variants: Mapped[list[Any]] = mapped_column(JSONType, nullable=False, default=list)
    sort_order: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    disabled: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    created_by_user_id: Mapped[int | None] = mapped_column(Integer)

    segment_links: Mapped[list[FeatureStrategySegment]] = relationship(
        cascade="all, delete-orphan",
        passive_deletes=True,
        lazy="selectin",
        order_by="FeatureStrategySegment.segment_id",
    )

    @property
    def segment_ids(self) -> list[int]:
        return [link.segment_id for link in self.segment_links]


class Segment(Base):
    __tablename__ = "segments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(NAME_LENGTH), nullable=False, unique=True)
    description: Mapped[str | None] = mapped_column(Text)
    project: Mapped[str | None] = mapped_column(
        ForeignKey("projects.id", ondelete="CASCADE"), index=True
    )
    constraints: Mapped[list[Any]] = mapped_column(JSONType, nullable=False, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    created_by: Mapped[str | None] = mapped_column(String(NAME_LENGTH))


class FeatureStrategySegment(Base):
    __tablename__ = "feature_strategy_segments"

    strategy_id: Mapped[str] = mapped_column(
        ForeignKey("feature_strategies.id", ondelete="CASCADE"), primary_key=True
    )
    # No foreign key: a strategy may name a segment that does not exist (the client
    # specification's F9.withMissingSegment), and such a strategy evaluates to false. Deleting a
    # segment still in use is refused by the segment service.
    segment_id: Mapped[int] = mapped_column(Integer, primary_key=True, index=True)


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


class StrategyDefinition(Base):
    __tablename__ = "strategy_definitions"

    name: Mapped[str] = mapped_column(String(NAME_LENGTH), primary_key=True)
    display_name: Mapped[str | None] = mapped_column(String(NAME_LENGTH))
    title: Mapped[str | None] = mapped_column(String(NAME_LENGTH))
    description: Mapped[str | None] = mapped_column(Text)
    # [{name, type, description, required}], as Unleash's strategySchema.
    parameters: Mapped[list[Any]] = mapped_column(JSONType, nullable=False, default=list)
    built_in: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    deprecated: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    sort_order: Mapped[int] = mapped_column(Integer, nullable=False, default=9999)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)


class TagType(Base):
    __tablename__ = "tag_types"

    name: Mapped[str] = mapped_column(String(NAME_LENGTH), primary_key=True)
    description: Mapped[str | None] = mapped_column(Text)
    icon: Mapped[str | None] = mapped_column(String(NAME_LENGTH))


class FeatureTag(Base):
    __tablename__ = "feature_tags"

    feature_name: Mapped[str] = mapped_column(
        ForeignKey("features.name", ondelete="CASCADE"), primary_key=True
    )
    tag_type: Mapped[str] = mapped_column(
        ForeignKey("tag_types.name", ondelete="CASCADE"), primary_key=True, index=True
    )
    tag_value: Mapped[str] = mapped_column(String(NAME_LENGTH), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    created_by_user_id: Mapped[int | None] = mapped_column(Integer)


class Tag(Base):
    """A tag value of one tag type, known before (or after) any flag carries it."""

    __tablename__ = "tags"

    tag_type: Mapped[str] = mapped_column(
        ForeignKey("tag_types.name", ondelete="CASCADE"), primary_key=True
    )
    value: Mapped[str] = mapped_column(String(NAME_LENGTH), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)


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
