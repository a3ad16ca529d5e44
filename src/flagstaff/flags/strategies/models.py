"""Activation strategies, the segments they use, and the strategy definitions."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from flagstaff.core.db import ID_LENGTH, NAME_LENGTH, Base, JSONType, UTCDateTime, utcnow


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


class FeatureStrategySegment(Base):
    __tablename__ = "feature_strategy_segments"

    strategy_id: Mapped[str] = mapped_column(
        ForeignKey("feature_strategies.id", ondelete="CASCADE"), primary_key=True
    )
    # No foreign key: a strategy may name a segment that does not exist (the client
    # specification's F9.withMissingSegment), and such a strategy evaluates to false. Deleting a
    # segment still in use is refused by the segment service.
    segment_id: Mapped[int] = mapped_column(Integer, primary_key=True, index=True)


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
