"""What clients send about segments."""

from __future__ import annotations

from flagstaff.core.schemas import InputModel, LongText, Name
from flagstaff.flags.constraints.schemas import ConstraintIn


class SegmentIn(InputModel):
    name: Name
    description: LongText | None = None
    project: Name | None = None
    constraints: list[ConstraintIn]


class ValidateSegmentIn(InputModel):
    name: Name
