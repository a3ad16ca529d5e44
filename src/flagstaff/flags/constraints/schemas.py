"""A constraint as clients send it, and as it is stored and served."""

from __future__ import annotations

from typing import Annotated

from pydantic import ConfigDict, Field, JsonValue, StrictBool, StrictStr
from pydantic.config import JsonDict

from flagstaff.core.schemas import NOT_BLANK, InputModel, Name, WireModel, stated
from flagstaff.flags.constraints.validation import (
    DATE_OPERATORS,
    MULTI_VALUE_OPERATORS,
    NUMBER,
    NUMBER_OPERATORS,
    OPERATORS,
    SEMVER,
    SEMVER_OPERATORS,
)
from flagstaff.flags.schemas import MAX_LIST, Text

# The document states Unleash's operators; the type stays a string so that an unknown one gets
# the validator's own message (which lists them), as before.
OPERATOR_NAMES = sorted(OPERATORS)
Operator = Annotated[StrictStr, stated(enum=OPERATOR_NAMES)]


def _ascii_digits(pattern: str) -> str:
    # Python's \d takes any Unicode digit; the document means the ASCII ones.
    return pattern.replace("\\d", "[0-9]")


def _names(operators: frozenset[str] | set[str]) -> list[JsonValue]:
    return [*sorted(operators)]


def _single_value(operators: frozenset[str] | set[str], value: dict[str, str]) -> JsonDict:
    return {
        "required": ["value"],
        "properties": {
            "operator": {"enum": _names(operators)},
            "value": {"type": "string", "minLength": 1, **value},
        },
    }


# What each operator needs of ``value``, as ``validation.normalize_constraint`` checks it.
BY_OPERATOR: list[JsonValue] = [
    {
        "properties": {
            "operator": {"enum": _names(MULTI_VALUE_OPERATORS)},
            "value": {"minLength": 1},
        }
    },
    _single_value(NUMBER_OPERATORS, {"pattern": _ascii_digits(NUMBER.pattern)}),
    _single_value(DATE_OPERATORS, {"format": "date-time"}),
    _single_value(SEMVER_OPERATORS, {"pattern": _ascii_digits(SEMVER.pattern)}),
    _single_value({"REGEX"}, {"format": "regex"}),
]


class ConstraintIn(InputModel):
    model_config = ConfigDict(json_schema_extra={"anyOf": BY_OPERATOR})

    context_name: Annotated[Name, NOT_BLANK]
    operator: Operator
    values: (
        Annotated[list[Annotated[StrictStr, stated(minLength=1)]], Field(max_length=MAX_LIST)]
        | None
    ) = None
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
