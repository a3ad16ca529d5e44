"""Shared building blocks for wire formats: camelCase output, strict input types."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, StringConstraints
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


def iso(value: datetime | None) -> str | None:
    """Unleash's timestamp format: ISO 8601 in UTC with milliseconds and a ``Z``."""
    if value is None:
        return None
    return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"
