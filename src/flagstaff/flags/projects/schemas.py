"""What clients send about projects and project access."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, StrictBool, StrictInt, StrictStr

from flagstaff.core.schemas import NOT_BLANK, InputModel, LongText, Name
from flagstaff.flags.schemas import Id


class CreateProjectIn(InputModel):
    id: Annotated[StrictStr, Field(max_length=100)] | None = None
    name: Annotated[Name, NOT_BLANK]
    description: LongText | None = None
    mode: StrictStr | None = None
    default_stickiness: Name | None = None
    feature_limit: Annotated[StrictInt, Field(ge=0)] | None = None
    environments: list[Name] | None = None


class UpdateProjectIn(InputModel):
    name: Annotated[Name, NOT_BLANK]
    description: LongText | None = None
    mode: StrictStr | None = None
    default_stickiness: Name | None = None
    feature_limit: Annotated[StrictInt, Field(ge=0)] | None = None


class ProjectEnvironmentIn(InputModel):
    environment: Name
    change_requests_enabled: StrictBool | None = None


class AccountRef(InputModel):
    id: Id


class AddAccessIn(InputModel):
    roles: list[Id]
    users: list[Id | AccountRef] = []
    groups: list[Id | AccountRef] = []


class SetRolesIn(InputModel):
    roles: list[Id]
