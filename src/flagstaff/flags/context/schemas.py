"""Request bodies of the context-field endpoints (Unleash's createContextFieldSchema,
updateContextFieldSchema, legalValueSchema and nameSchema). Types are checked here; Unleash's
limits (name, description and legal-value lengths, unique values) in the service."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, StrictBool, StrictInt, StrictStr

from flagstaff.core.schemas import (
    URL_FRIENDLY_NAME,
    InputModel,
    LongText,
    Name,
    WireModel,
    stated,
)

MAX_LEGAL_VALUES = 10_000
NAME_MAX = 100
DESCRIPTION_MAX = 250
ContextName = Annotated[Name, stated(minLength=1, maxLength=NAME_MAX), URL_FRIENDLY_NAME]
SortOrder = Annotated[StrictInt, Field(ge=-(2**31), le=2**31 - 1)]


class LegalValueIn(InputModel):
    value: Annotated[StrictStr, Field(max_length=10_000)]
    description: LongText | None = None


class UpdateContextFieldIn(InputModel):
    description: Annotated[LongText, stated(maxLength=DESCRIPTION_MAX)] | None = None
    stickiness: StrictBool | None = None
    sort_order: SortOrder | None = None
    legal_values: Annotated[list[LegalValueIn], Field(max_length=MAX_LEGAL_VALUES)] | None = None
    project: Name | None = None


class CreateContextFieldIn(UpdateContextFieldIn):
    name: ContextName


class ContextFieldNameIn(InputModel):
    name: ContextName


class LegalValueOut(WireModel):
    value: str
    description: str | None = None  # left out when there is none


class ContextFieldOut(WireModel):
    """Unleash's contextFieldSchema."""

    name: str
    description: str | None
    stickiness: bool
    sort_order: int
    legal_values: list[LegalValueOut]
    created_at: str
    # Where Unleash lists usage (the list of fields).
    used_in_projects: int | None = None
    used_in_features: int | None = None
    project: str | None = None  # a project's own field


class ContextFieldStrategyOut(WireModel):
    id: str
    project_id: str
    feature_name: str
    strategy_name: str
    environment: str


class ContextFieldStrategiesOut(WireModel):
    strategies: list[ContextFieldStrategyOut]
