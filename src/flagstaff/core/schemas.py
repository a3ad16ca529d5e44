"""Shared building blocks for wire formats: camelCase output, strict input types."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, StringConstraints, field_validator
from pydantic.alias_generators import to_camel

MAX_NAME = 255

# Strict: a number where a string is expected is an error, as in Unleash's schema validation.
Name = Annotated[str, StringConstraints(strict=True, max_length=MAX_NAME)]
RequiredName = Annotated[
    str, StringConstraints(strict=True, min_length=1, max_length=MAX_NAME, strip_whitespace=True)
]
LongText = Annotated[str, StringConstraints(strict=True, max_length=10_000)]


class WireModel(BaseModel):
    """Output: camelCase keys, like Unleash."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True)


class InputModel(BaseModel):
    """Input: camelCase keys; unknown keys are ignored as Unleash's additionalProperties allows."""

    model_config = ConfigDict(
        alias_generator=to_camel, populate_by_name=True, strict=True, extra="ignore"
    )

    @field_validator("*", mode="after")
    @classmethod
    def _no_nul(cls, value: Any) -> Any:
        # PostgreSQL cannot store NUL in text: refuse it here (400), not at the database (500).
        if _has_nul(value):
            raise ValueError("must not contain NUL characters")
        return value


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
