"""What clients send about segments, and what they get."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field

from flagstaff.core.schemas import NOT_BLANK, InputModel, LongText, Name, WireModel
from flagstaff.flags.constraints.schemas import ConstraintIn, ConstraintSchema


class SegmentIn(InputModel):
    name: Annotated[Name, NOT_BLANK]  # stated; the service refuses a blank name itself
    description: LongText | None = None
    project: Name | None = None
    constraints: list[ConstraintIn]


class ValidateSegmentIn(InputModel):
    name: Name


class SegmentOut(WireModel):
    """Unleash's adminSegmentSchema; the constraints as they were stored (constraintSchema)."""

    id: int
    name: str
    description: str | None
    project: str | None
    constraints: list[ConstraintSchema]
    created_by: str | None
    created_at: str


class UsedSegmentOut(SegmentOut):
    used_in_features: int
    used_in_projects: int


class SegmentsOut(WireModel):
    segments: list[UsedSegmentOut]


class StrategySegmentsOut(WireModel):
    segments: list[SegmentOut]


class StrategySegmentsSetOut(WireModel):
    project_id: str
    environment_id: str
    strategy_id: str
    segment_ids: list[int]


class SegmentStrategyOut(WireModel):
    id: str
    feature_name: str
    project_id: str
    environment: str
    strategy_name: str


class SegmentStrategiesOut(WireModel):
    strategies: list[SegmentStrategyOut]
    change_request_strategies: list[dict[str, Any]] = Field(
        description="Always empty: there are no change requests"
    )
