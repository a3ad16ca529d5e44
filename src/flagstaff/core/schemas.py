"""Shared building blocks for wire formats: camelCase output, strict input types."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import cache
from typing import Annotated, Any, get_args, get_origin

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationInfo,
    field_validator,
)
from pydantic.alias_generators import to_camel

MAX_NAME = 255

# Strict: a number where a string is expected is an error, as in Unleash's schema validation.
Name = Annotated[str, StringConstraints(strict=True, max_length=MAX_NAME)]
RequiredName = Annotated[
    str, StringConstraints(strict=True, min_length=1, max_length=MAX_NAME, strip_whitespace=True)
]
LongText = Annotated[str, StringConstraints(strict=True, max_length=10_000)]


def stated(**keywords: Any) -> Any:
    """JSON Schema keywords for the OpenAPI document only: a rule the service enforces itself,
    in Unleash's words, stated where a client (and a fuzzer) can read it."""
    return Field(json_schema_extra=keywords)


URL_FRIENDLY = r"^[A-Za-z0-9\-_.!~*'()]+$"
# Unleash's URL-friendly names: unreserved characters only, and not a path's "." or "..".
URL_FRIENDLY_NAME = stated(pattern=URL_FRIENDLY, **{"not": {"enum": [".", ".."]}})
NOT_BLANK = stated(pattern=r"\S")


class WireModel(BaseModel):
    """Output: camelCase keys, like Unleash."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True)


def answers(model: Any, status: int = 200) -> dict[int | str, dict[str, Any]]:
    """For a route's ``responses``: the document shows ``model`` (a model, or a type such as
    ``list[Model]``) as the answer's schema, while
    the handler goes on returning plain JSON (no validation per request; the fuzz test holds
    the two together)."""
    return {status: {"model": model}}


class InputModel(BaseModel):
    """Input: camelCase keys; unknown keys are ignored as Unleash's additionalProperties allows."""

    model_config = ConfigDict(
        alias_generator=to_camel, populate_by_name=True, strict=True, extra="ignore"
    )

    @field_validator("*", mode="before")
    @classmethod
    def _integral_floats(cls, value: Any, info: ValidationInfo) -> Any:
        # JSON Schema, the document and Unleash count 1.0 as an integer; strict mode would not.
        name = info.field_name
        if name is None:
            return value
        if isinstance(value, float) and value.is_integer() and _takes_int(cls, name):
            return int(value)
        if isinstance(value, list) and any(isinstance(item, float) for item in value):
            return [_as_int(item) for item in value] if _takes_int_list(cls, name) else value
        return value

    @field_validator("*", mode="after")
    @classmethod
    def _no_nul(cls, value: Any) -> Any:
        # PostgreSQL cannot store NUL in text: refuse it here (400), not at the database (500).
        if _has_nul(value):
            raise ValueError("must not contain NUL characters")
        return value


def _as_int(value: Any) -> Any:
    return int(value) if isinstance(value, float) and value.is_integer() else value


@cache
def _takes_int(model: type[BaseModel], field: str) -> bool:
    return _is_int(model.model_fields[field].annotation)


@cache
def _takes_int_list(model: type[BaseModel], field: str) -> bool:
    annotation = model.model_fields[field].annotation
    options = get_args(annotation) if get_origin(annotation) is not list else (annotation,)
    return any(get_origin(option) is list and _is_int(get_args(option)[0]) for option in options)


def _is_int(annotation: Any) -> bool:
    """``int``, ``int | None`` or an ``Annotated`` int (not ``bool``)."""
    if annotation is int:
        return True
    if get_origin(annotation) is Annotated:
        return _is_int(get_args(annotation)[0])
    return any(
        _is_int(option) for option in get_args(annotation) if get_origin(annotation) is not list
    )


def _has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, list | tuple | set | frozenset):
        return any(_has_nul(item) for item in value)
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    return False


DATE_HINT = "must be a date-time string like 2030-01-31T12:00:00Z"


def parse_datetime(value: Any, field: str) -> datetime:
    """A JSON date-time: strict mode refuses strings for datetimes, and JSON has no other way
    to send one. Without a zone it is UTC."""
    if not isinstance(value, str):
        raise ValueError(f"{field} {DATE_HINT}")
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(f"{field} {DATE_HINT}") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def iso(value: datetime | None) -> str | None:
    """Unleash's timestamp format: ISO 8601 in UTC with milliseconds and a ``Z``."""
    if value is None:
        return None
    return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"
