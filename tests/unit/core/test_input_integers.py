"""InputModel takes an integer written with a fraction of zero (``1.0``), as JSON Schema and
Unleash do, and still refuses any other float where an integer is expected."""

from __future__ import annotations

from typing import Annotated

import pytest
from pydantic import Field, ValidationError

from flagstaff.core.schemas import InputModel


class Body(InputModel):
    count: int
    limit: Annotated[int, Field(ge=1)] | None = None
    ids: list[int] = []
    ratio: float = 0.0
    flag: bool = False
    text: str = ""


def test_integral_float__int_fields__taken_as_int() -> None:
    body = Body.model_validate({"count": 3.0, "limit": 2.0, "ids": [1.0, 2], "ratio": 1.0})

    assert (body.count, body.limit, body.ids) == (3, 2, [1, 2])
    assert type(body.count) is int
    assert body.ratio == 1.0


@pytest.mark.parametrize(
    "data",
    [
        {"count": 1.5},
        {"count": "1"},
        {"count": 1, "limit": 0.0},  # still bounded
        {"count": 1, "ids": [1.5]},
        {"count": 1, "flag": 1.0},
        {"count": 1, "text": 1.0},
    ],
)
def test_integral_float__anything_else__still_refused(data: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        Body.model_validate(data)
