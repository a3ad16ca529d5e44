"""Request bodies of the context-field endpoints (Unleash's createContextFieldSchema,
updateContextFieldSchema, legalValueSchema and nameSchema). Types are checked here; Unleash's
limits (name, description and legal-value lengths, unique values) in the service."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, StrictBool, StrictInt, StrictStr

from flagstaff.core.schemas import InputModel, LongText, Name

MAX_LEGAL_VALUES = 10_000
SortOrder = Annotated[StrictInt, Field(ge=-(2**31), le=2**31 - 1)]


class LegalValueIn(InputModel):
    value: Annotated[StrictStr, Field(max_length=10_000)]
    description: LongText | None = None


class UpdateContextFieldIn(InputModel):
    description: LongText | None = None
    stickiness: StrictBool | None = None
    sort_order: SortOrder | None = None
    legal_values: Annotated[list[LegalValueIn], Field(max_length=MAX_LEGAL_VALUES)] | None = None
    project: Name | None = None


class CreateContextFieldIn(UpdateContextFieldIn):
    name: Name


class ContextFieldNameIn(InputModel):
    name: Name
