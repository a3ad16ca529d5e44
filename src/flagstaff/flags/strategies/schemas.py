"""What clients send about strategies, their variants, and strategy definitions."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, StrictBool, StrictInt, StrictStr

from flagstaff.core.schemas import NOT_BLANK, InputModel, LongText, Name, WireModel, stated
from flagstaff.flags.constraints.schemas import ConstraintIn, ConstraintSchema
from flagstaff.flags.schemas import MAX_BULK, Id, Text
from flagstaff.flags.strategies.definitions import PARAMETER_TYPES


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
    # Stated for the document; the service refuses a blank name or another type itself.
    name: Annotated[Name, NOT_BLANK]
    type: Annotated[StrictStr, stated(enum=list(PARAMETER_TYPES))]
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


class DefinitionParameterOut(WireModel):
    """One parameter a strategy definition takes."""

    name: str
    type: str
    description: str
    required: bool


class DefinitionOut(WireModel):
    """Unleash's strategySchema: a strategy definition (``definitions.definition_json``)."""

    name: str
    display_name: str | None
    title: str | None
    description: str
    editable: bool
    deprecated: bool
    parameters: list[DefinitionParameterOut]


class DefinitionsOut(WireModel):
    version: int
    strategies: list[DefinitionOut]


class VariantPayloadSchema(WireModel):
    """A variant's payload: its kind and the value as text."""

    type: Literal["json", "csv", "string", "number"]
    value: str


class OverrideSchema(WireModel):
    """Context values that always get a variant."""

    context_name: str
    values: list[str]


class StrategyVariantSchema(WireModel):
    """A strategy's variant as stored: the keys given, checked (``variants.normalize_variants``)."""

    name: str
    weight: int
    weight_type: Literal["variable", "fix"] | None = None
    stickiness: str | None = None
    payload: VariantPayloadSchema | None = None


class VariantSchema(StrategyVariantSchema):
    """A flag's variant (per environment), which may also name overrides."""

    overrides: list[OverrideSchema] | None = None


class FeatureVariantsSchema(WireModel):
    """A flag's variants, as the variants endpoints answer."""

    version: int
    variants: list[VariantSchema]


class CreateFeatureStrategySchema(WireModel):
    """A project environment's default strategy for new flags, as set."""

    name: str
    title: str | None
    disabled: bool
    parameters: dict[str, str]
    constraints: list[ConstraintSchema]
    variants: list[StrategyVariantSchema]
    segments: list[int]


class FeatureStrategySchema(WireModel):
    """One of a flag's activation strategies in an environment."""

    id: str
    name: str
    title: str | None
    disabled: bool
    sort_order: int
    constraints: list[ConstraintSchema]
    parameters: dict[str, str]
    variants: list[StrategyVariantSchema]
    segments: list[int] = Field(description="The ids of the segments the strategy uses")
    feature_name: str | None = Field(
        default=None, description="Sent where strategies are listed with their flag"
    )
