"""What clients send about strategies, their variants, and strategy definitions."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field, StrictBool, StrictInt, StrictStr

from flagstaff.core.schemas import InputModel, LongText, Name, WireModel
from flagstaff.flags.constraints.schemas import ConstraintIn
from flagstaff.flags.schemas import MAX_BULK, Id, Text


class PayloadIn(InputModel):
    type: StrictStr
    value: Text


class OverrideIn(InputModel):
    context_name: Name
    values: list[StrictStr]


class VariantIn(InputModel):
    name: Name
    weight: StrictInt
    weight_type: StrictStr | None = None
    stickiness: Name | None = None
    payload: PayloadIn | None = None
    overrides: list[OverrideIn] | None = None


class StrategyIn(InputModel):
    name: Name
    title: Name | None = None
    disabled: StrictBool | None = None
    sort_order: StrictInt | None = None
    constraints: list[ConstraintIn] = []
    variants: list[VariantIn] = []
    parameters: dict[StrictStr, Text] = {}
    segments: list[Id] = []


class SortOrderIn(InputModel):
    id: Name
    sort_order: StrictInt


class DefinitionParameterIn(InputModel):
    name: Name
    type: StrictStr
    description: LongText | None = None
    required: StrictBool | None = None


class DefinitionIn(InputModel):
    name: Name
    title: Name | None = None
    description: LongText | None = None
    parameters: list[DefinitionParameterIn]


class UpdateDefinitionIn(InputModel):
    name: Name | None = None
    title: Name | None = None
    description: LongText | None = None
    parameters: list[DefinitionParameterIn]


class StrategySegmentsIn(InputModel):
    project_id: Annotated[StrictStr, Field(max_length=100)]
    environment_id: Annotated[StrictStr, Field(max_length=100)]
    strategy_id: Annotated[StrictStr, Field(max_length=100)]
    segment_ids: Annotated[list[Id], Field(max_length=MAX_BULK)]


class DefinitionOut(WireModel):
    """Unleash's strategySchema: a strategy definition (``definitions.definition_json``)."""

    name: str
    display_name: str | None
    title: str | None
    description: str
    editable: bool
    deprecated: bool
    parameters: list[dict[str, Any]]


class DefinitionsOut(WireModel):
    version: int
    strategies: list[DefinitionOut]
