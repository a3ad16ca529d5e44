"""The provisioning file's format, and the API's request body.

Keys are camelCase as in the Admin API, and unknown keys are refused (a misspelt key must not be
silently ignored in a file that grants access). A list the file gives is the whole truth for that
object; a key it leaves out leaves that part of the object as it is.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt, StrictStr, field_validator
from pydantic.alias_generators import to_camel

from flagstaff.core.schemas import InputModel, LongText, Name, RequiredName, WireModel
from flagstaff.credentials.account_tokens.schemas import ScopesIn
from flagstaff.credentials.federation.schemas import TrustPolicyIn
from flagstaff.credentials.federation.service import MAX_POLICIES_PER_ACCOUNT
from flagstaff.rbac.models import MAX_ID
from flagstaff.service_accounts.schemas import Username

MAX_OBJECTS = 1000

ProjectId = Annotated[StrictStr, Field(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9_~.-]+$")]
EnvironmentName = Annotated[StrictStr, Field(min_length=1, max_length=100)]
# A manager is named by username or e-mail address.
LoginName = Annotated[StrictStr, Field(min_length=1, max_length=255)]
FileName = Annotated[
    StrictStr, Field(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
]


FILE_CONFIG = ConfigDict(
    alias_generator=to_camel, populate_by_name=False, strict=True, extra="forbid"
)


class FileModel(BaseModel):
    model_config = FILE_CONFIG


class PermissionSpec(FileModel):
    """A permission by name; an environment permission names its environments (``*``: all)."""

    name: Annotated[StrictStr, Field(min_length=1, max_length=100)]
    environments: Annotated[list[EnvironmentName], Field(min_length=1, max_length=100)] | None = (
        None
    )


def each_environment(permission: PermissionSpec) -> list[str | None]:
    """The environments a permission row is stored for: None alone when it names none."""
    return list(permission.environments) if permission.environments else [None]


class RoleSpec(FileModel):
    name: RequiredName
    description: LongText | None = None
    type: Literal["root", "project"]
    permissions: Annotated[list[PermissionSpec], Field(max_length=500)] | None = None

    @field_validator("permissions", mode="before")
    @classmethod
    def _names_alone(cls, value: Any) -> Any:
        # ``- CREATE_FEATURE`` is short for ``- name: CREATE_FEATURE``.
        if isinstance(value, list):
            return [{"name": item} if isinstance(item, str) else item for item in value]
        return value


class ProjectSpec(FileModel):
    id: ProjectId
    name: RequiredName
    description: LongText | None = None
    mode: Literal["open", "protected", "private"] | None = None
    default_stickiness: Annotated[Name, Field(min_length=1)] | None = None
    feature_limit: Annotated[StrictInt, Field(ge=0, le=MAX_ID)] | None = None
    environments: Annotated[list[EnvironmentName], Field(min_length=1, max_length=100)] | None = (
        None
    )


class ProjectRoleSpec(FileModel):
    project: ProjectId
    role: RequiredName


class ScopesSpec(ScopesIn):
    model_config = FILE_CONFIG


class TrustPolicySpec(TrustPolicyIn):
    """A trust policy as the Admin API takes it (``credentials.federation``), unknown keys
    refused. Its ``name`` identifies it within its account."""

    model_config = FILE_CONFIG

    scopes: ScopesSpec | None = None


class ServiceAccountSpec(FileModel):
    username: Username
    name: RequiredName
    root_role: RequiredName
    project_roles: Annotated[list[ProjectRoleSpec], Field(max_length=500)] | None = None
    managers: Annotated[list[LoginName], Field(max_length=100)] | None = None
    trust_policies: (
        Annotated[list[TrustPolicySpec], Field(max_length=MAX_POLICIES_PER_ACCOUNT)] | None
    ) = None


class ProvisioningFile(FileModel):
    version: Literal[1]
    # Which file this is: prune only deletes what an apply of a file with this name created.
    name: FileName = "default"
    roles: Annotated[list[RoleSpec], Field(max_length=MAX_OBJECTS)] = []
    projects: Annotated[list[ProjectSpec], Field(max_length=MAX_OBJECTS)] = []
    service_accounts: Annotated[list[ServiceAccountSpec], Field(max_length=MAX_OBJECTS)] = []


class ApplyIn(InputModel):
    """``POST /api/admin/provisioning/apply``: the file's text, as JSON."""

    file: StrictStr
    dry_run: StrictBool = False
    prune: StrictBool = False


class FieldChangeOut(WireModel):
    """One field of an object: its value before (not sent when creating) and after."""

    from_: Any = Field(None, alias="from", description="The value before; absent on create")
    to: Any = Field(description="The value the file declares")


class PlannedChangeOut(WireModel):
    """What the file does (or would do) to one object."""

    kind: Literal["role", "project", "serviceAccount"]
    name: str = Field(description="The object's key in the file: a name, id or username")
    action: Literal["create", "update", "unchanged", "delete"]
    line: int | None = Field(description="Where the file declares it; null for a deletion")
    fields: dict[str, FieldChangeOut] | None = Field(
        None, description="The fields it sets, by name; sent for create and update"
    )


class PlanSummaryOut(WireModel):
    """How many objects each action touches."""

    create: int
    update: int
    unchanged: int
    delete: int


class ProvisioningPlanOut(WireModel):
    """The plan of a provisioning file (Flagstaff), applied unless it was a dry run."""

    file: str = Field(description="The file's name")
    dry_run: bool
    prune: bool
    applied: bool = Field(description="Whether the changes were made")
    summary: PlanSummaryOut
    changes: list[PlannedChangeOut]
