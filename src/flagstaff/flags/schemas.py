"""Request bodies of the flag endpoints, typed strictly as Unleash's OpenAPI schemas are.

Shapes are checked here (a number where a string belongs is a 400); meaning (operators,
semantic versions, weights) is checked by the services, which also serve other callers.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field, StrictInt, StrictStr

from flagstaff.core.schemas import InputModel, Name

MAX_LIST = 10_000
Text = Annotated[StrictStr, Field(max_length=10_000)]
Id = Annotated[StrictInt, Field(ge=0, le=2_147_483_647)]


class PatchOperationIn(InputModel):
    op: StrictStr
    path: StrictStr
    from_: StrictStr | None = Field(default=None, alias="from")
    value: Any = None

    def as_operation(self) -> dict[str, Any]:
        return self.model_dump(by_alias=True, exclude_unset=True)


MAX_BULK = 1_000
FeatureNames = Annotated[list[Name], Field(max_length=MAX_BULK)]


def dumped(items: list[Any]) -> list[dict[str, Any]]:
    """Models back into Unleash's JSON keys, without the keys that were not sent."""
    return [item.model_dump(by_alias=True, exclude_none=True) for item in items]
