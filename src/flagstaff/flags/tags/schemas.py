"""What clients send about tags and tag types."""

from __future__ import annotations

from typing import Annotated

from flagstaff.core.schemas import URL_FRIENDLY, InputModel, LongText, Name, stated


class TagIn(InputModel):
    type: Annotated[Name, stated(minLength=2, maxLength=50)]
    # Trimmed, then 2 to 50 characters (tags/service.py).
    value: Annotated[Name, stated(minLength=2, maxLength=50, pattern=r"^\S(.*\S)?$")]


class UpdateTagsIn(InputModel):
    added_tags: list[TagIn] = []
    removed_tags: list[TagIn] = []


class TagTypeIn(InputModel):
    name: Annotated[Name, stated(minLength=2, maxLength=50, pattern=URL_FRIENDLY)]
    description: LongText | None = None
    icon: Name | None = None
