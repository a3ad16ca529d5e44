from __future__ import annotations

from typing import Annotated

from pydantic import Field, StrictStr

from flagstaff.core.schemas import InputModel


class LoginIn(InputModel):
    username: Annotated[StrictStr, Field(min_length=1, max_length=255)]
    password: Annotated[StrictStr, Field(max_length=256)]
