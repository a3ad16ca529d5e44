"""What clients send about tags and tag types."""

from __future__ import annotations

from typing import Annotated

from flagstaff.core.schemas import URL_FRIENDLY, InputModel, LongText, Name, WireModel, stated


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


class TagOut(WireModel):
    type: str
    value: str


class TagsOut(WireModel):
    version: int
    tags: list[TagOut]


class TagWithVersionOut(WireModel):
    version: int
    tag: TagOut


class TagTypeOut(WireModel):
    name: str
    description: str | None
    icon: str | None


class TagTypesOut(WireModel):
    version: int
    tag_types: list[TagTypeOut]


class TagTypeWithVersionOut(WireModel):
    version: int
    tag_type: TagTypeOut


class SentTagTypeOut(WireModel):
    """The tag type as it was sent, without the keys left out."""

    name: str
    description: str | None = None
    icon: str | None = None


class TagTypeValidOut(WireModel):
    valid: bool
    tag_type: SentTagTypeOut
