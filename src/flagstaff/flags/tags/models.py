"""Tag types, tags, and the tags on flags."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    ForeignKey,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from flagstaff.core.db import NAME_LENGTH, Base, UTCDateTime, utcnow


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
