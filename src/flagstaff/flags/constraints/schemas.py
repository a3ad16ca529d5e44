"""A constraint as clients send it, and as it is stored and served."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, StrictBool, StrictStr

from flagstaff.core.schemas import InputModel, Name, WireModel, stated
from flagstaff.flags.constraints.validation import OPERATORS
from flagstaff.flags.schemas import MAX_LIST, Text

# The document states Unleash's operators; the type stays a string so that an unknown one gets
# the validator's own message (which lists them), as before.
OPERATOR_NAMES = sorted(OPERATORS)
Operator = Annotated[StrictStr, stated(enum=OPERATOR_NAMES)]


class ConstraintIn(InputModel):
    context_name: Name
    operator: Operator
    values: Annotated[list[StrictStr], Field(max_length=MAX_LIST)] | None = None
    value: Text | None = None
    inverted: StrictBool | None = None
    case_insensitive: StrictBool | None = None


class ConstraintSchema(WireModel):
    """A constraint as stored: the keys given, checked (``validation.normalize_constraint``)."""

    context_name: str
    operator: Annotated[str, stated(enum=OPERATOR_NAMES)]
    values: list[str] | None = Field(
        default=None, description="Always present for the operators that take a list"
    )
    value: str | None = None
    inverted: bool | None = None
    case_insensitive: bool | None = None
