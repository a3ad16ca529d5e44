"""Wire formats of projects and project access."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field, StrictBool, StrictInt, StrictStr

from flagstaff.core.schemas import NOT_BLANK, InputModel, LongText, Name, WireModel
from flagstaff.flags.schemas import Id
from flagstaff.rbac.schemas import RoleOut


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
    # Documented as empty; the service refuses groups itself, saying why (400).
    groups: Annotated[
        list[Id | AccountRef],
        Field(
            json_schema_extra={"maxItems": 0},
            description="Flagstaff has no groups: leave empty, or out",
        ),
    ] = []


class SetRolesIn(InputModel):
    roles: list[Id]


class ProjectOwnerSchema(WireModel):
    """Someone holding the project's Owner role; the system when nobody does."""

    owner_type: str = Field(description="user, or system when the project has no owner")
    name: str | None = None
    email: str | None = None
    image_url: str | None = None


class ProjectSchema(WireModel):
    """A project with its figures (Unleash's projectSchema), with Flagstaff's extra keys."""

    id: str
    name: str
    description: str | None
    health: int
    technical_debt: int
    feature_count: int
    member_count: int
    created_at: str
    updated_at: str | None
    last_updated_at: str | None
    archived_at: str | None
    favorite: bool
    mode: str
    default_stickiness: str
    feature_limit: int | None = Field(description="The most flags the project may hold, if any")
    environments: list[str] = Field(description="The environments the project uses")
    owners: list[ProjectOwnerSchema]


class ProjectsSchema(WireModel):
    """The projects (Unleash's projectsSchema)."""

    version: int
    projects: list[ProjectSchema]


class ProjectCreatedSchema(WireModel):
    """The project just created (Unleash's projectCreatedSchema)."""

    id: str
    name: str
    description: str | None
    feature_limit: int | None
    mode: str
    default_stickiness: str
    environments: list[str]


class UserWithProjectRoleSchema(WireModel):
    """An account with roles in the project (Unleash's userWithProjectRoleSchema)."""

    id: int
    name: str | None
    username: str | None
    email: str | None
    image_url: str
    account_type: str
    is_api: bool = Field(alias="isAPI")
    role_id: int = Field(description="The first of the account's roles in the project")
    roles: list[int] = Field(description="The ids of all the account's roles in the project")


class ProjectAccessSchema(WireModel):
    """Who may do what in a project (Unleash's projectAccessSchema; Flagstaff has no groups,
    so ``groups`` is empty)."""

    roles: list[RoleOut]
    users: list[UserWithProjectRoleSchema]
    groups: list[dict[str, Any]]


class EnvironmentProjectSchema(WireModel):
    """An environment as one project uses it (Unleash's environmentProjectSchema)."""

    name: str
    type: str
    enabled: bool
    protected: bool
    sort_order: int
    project_enabled_toggle_count: int = Field(
        description="How many of the project's flags are enabled in it"
    )
    visible: bool
    required_approvals: int | None


class EnvironmentsProjectSchema(WireModel):
    """The environments a project uses (Unleash's environmentsProjectSchema)."""

    version: int
    environments: list[EnvironmentProjectSchema]
