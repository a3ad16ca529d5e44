"""What clients send about tags and tag types."""

from __future__ import annotations

from flagstaff.core.schemas import InputModel, LongText, Name


class TagIn(InputModel):
    type: Name
    value: Name


class UpdateTagsIn(InputModel):
    added_tags: list[TagIn] = []
    removed_tags: list[TagIn] = []


class TagTypeIn(InputModel):
    name: Name
    description: LongText | None = None
    icon: Name | None = None
