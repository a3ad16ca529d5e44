"""A constraint as clients send it."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, StrictBool, StrictStr

from flagstaff.core.schemas import InputModel, Name
from flagstaff.flags.schemas import MAX_LIST, Text


class ConstraintIn(InputModel):
    context_name: Name
    operator: StrictStr
    values: Annotated[list[StrictStr], Field(max_length=MAX_LIST)] | None = None
    value: Text | None = None
    inverted: StrictBool | None = None
    case_insensitive: StrictBool | None = None
