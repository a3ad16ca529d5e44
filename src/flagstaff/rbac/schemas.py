"""Wire formats for roles and permissions (Unleash's roleSchema and friends)."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field, StrictInt, StrictStr

from flagstaff.core.schemas import InputModel, LongText, RequiredName, WireModel
from flagstaff.rbac.models import ANY_ENVIRONMENT, MAX_ID, NO_ENVIRONMENT, Role, RolePermission
from flagstaff.rbac.permissions import PERMISSIONS, PermissionType, parse_permission


class RoleOut(WireModel):
    """A role (Unleash's roleSchema)."""

    id: int
    type: str
    name: str
    description: str | None = None
    project: str | None = None


class RolesWithVersionSchema(WireModel):
    """Every role (Unleash's rolesWithVersionSchema)."""

    version: int
    roles: list[RoleOut]


class RoleWithVersionSchema(WireModel):
    """The role just created or changed (Unleash's roleWithVersionSchema: one role under
    ``roles``)."""

    version: int
    roles: RoleOut


class AdminPermissionSchema(WireModel):
    """One permission a role may hold (Unleash's adminPermissionSchema)."""

    id: int
    name: str
    display_name: str
    type: str = Field(description="root, project, or the environment's name")
    environment: str | None = Field(
        None, description="The environment it applies to; absent where it applies to none"
    )


class RoleWithPermissionsSchema(WireModel):
    """A role and the permissions it grants (Unleash's roleWithPermissionsSchema)."""

    id: int
    type: str
    name: str
    description: str | None
    permissions: list[AdminPermissionSchema]


class EnvironmentPermissionsSchema(WireModel):
    """The permissions a role may hold in an environment (``*``: in every one)."""

    name: str
    permissions: list[AdminPermissionSchema]


class PermissionsByScope(WireModel):
    """The permissions, by where they apply."""

    root: list[AdminPermissionSchema]
    project: list[AdminPermissionSchema]
    environments: list[EnvironmentPermissionsSchema]


class AdminPermissionsSchema(WireModel):
    """Every permission a role may hold (Unleash's adminPermissionsSchema)."""

    version: int
    permissions: PermissionsByScope


class PermissionIn(InputModel):
    """One permission of a role, by ``name`` or by ``id`` (Unleash's UI sends ids)."""

    id: StrictInt | None = None
    name: Annotated[StrictStr, Field(max_length=100)] | None = None
    environment: Annotated[StrictStr, Field(max_length=100)] | None = None


class RoleIn(InputModel):
    """Unleash's createRoleWithPermissionsSchema. Without ``type``, create makes a custom
    project role and update keeps the role's type."""

    name: RequiredName
    description: LongText | None = None
    type: Annotated[StrictStr, Field(pattern="^(root-custom|custom)$")] | None = None
    permissions: Annotated[list[PermissionIn], Field(max_length=500)] = []


class ValidateRoleIn(RoleIn):
    role_id: Annotated[StrictInt, Field(ge=1, le=MAX_ID)] | None = None


def role_out(role: Role) -> RoleOut:
    return RoleOut(id=role.id, type=role.type, name=role.name, description=role.description)


def permission_type_out(kind: PermissionType | None, environment: str | None) -> str:
    """adminPermissionSchema's ``type``: root, project, or the environment's name. Unleash files
    its special permissions (ADMIN) under root."""
    if environment and environment != ANY_ENVIRONMENT:
        return environment
    if kind is None or kind == PermissionType.SPECIAL:
        return PermissionType.ROOT.value
    return kind.value


def permission_out(row: RolePermission) -> dict[str, Any]:
    known = parse_permission(row.permission)
    info = PERMISSIONS[known] if known else None
    environment = None if row.environment == NO_ENVIRONMENT else row.environment
    body: dict[str, Any] = {
        "id": info.id if info else 0,
        "name": row.permission,
        "displayName": info.display_name if info else row.permission,
        "type": permission_type_out(info.type if info else None, environment),
    }
    if environment is not None:
        body["environment"] = environment
    return body


def role_with_permissions(role: Role) -> dict[str, Any]:
    return {
        "id": role.id,
        "type": role.type,
        "name": role.name,
        "description": role.description,
        "permissions": [permission_out(p) for p in role.permissions],
    }
