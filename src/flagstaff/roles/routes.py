"""``/api/admin/roles`` (custom roles, as Unleash's hosted edition) and the permission list."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Response

from flagstaff.core.routing import TransactionalRoute
from flagstaff.core.schemas import answers
from flagstaff.http.deps import ActorDep, AdminDep, PrincipalDep, SessionDep
from flagstaff.rbac.models import MAX_ID
from flagstaff.rbac.permissions import PERMISSIONS, PermissionType
from flagstaff.rbac.schemas import (
    AdminPermissionsSchema,
    RoleIn,
    RolesWithVersionSchema,
    RoleWithPermissionsSchema,
    RoleWithVersionSchema,
    ValidateRoleIn,
    role_out,
    role_with_permissions,
)
from flagstaff.roles.service import PermissionRef, RoleService

router = APIRouter(route_class=TransactionalRoute, tags=["Roles"])

RoleId = Annotated[int, Path(alias="roleId", ge=1, le=MAX_ID)]


def _refs(body: RoleIn) -> list[PermissionRef]:
    return [PermissionRef(p.id, p.name, p.environment) for p in body.permissions]


@router.get("/api/admin/roles", operation_id="getRoles", responses=answers(RolesWithVersionSchema))
def get_roles(_: PrincipalDep, db: SessionDep) -> dict[str, Any]:
    roles = RoleService(db).list_roles()
    return {"version": 1, "roles": [role_out(r).model_dump(by_alias=True) for r in roles]}


@router.get(
    "/api/admin/roles/{roleId}",
    operation_id="getRoleById",
    responses=answers(RoleWithPermissionsSchema),
)
def get_role(role_id: RoleId, _: PrincipalDep, db: SessionDep) -> dict[str, Any]:
    return role_with_permissions(RoleService(db).get(role_id))


@router.post(
    "/api/admin/roles", operation_id="createRole", responses=answers(RoleWithVersionSchema)
)
def create_role(
    body: RoleIn, actor: ActorDep, principal: AdminDep, db: SessionDep
) -> dict[str, Any]:
    role = RoleService(db).create(
        actor, principal, body.name, body.description or "", body.type, _refs(body)
    )
    return {"version": 1, "roles": role_out(role).model_dump(by_alias=True)}


@router.put(
    "/api/admin/roles/{roleId}", operation_id="updateRole", responses=answers(RoleWithVersionSchema)
)
def update_role(
    role_id: RoleId,
    body: RoleIn,
    actor: ActorDep,
    principal: AdminDep,
    db: SessionDep,
) -> dict[str, Any]:
    role = RoleService(db).update(
        actor, principal, role_id, body.name, body.description or "", body.type, _refs(body)
    )
    return {"version": 1, "roles": role_out(role).model_dump(by_alias=True)}


@router.delete("/api/admin/roles/{roleId}", operation_id="deleteRole")
def delete_role(
    role_id: RoleId,
    actor: ActorDep,
    _: AdminDep,
    db: SessionDep,
) -> Response:
    RoleService(db).delete(actor, role_id)
    return Response(status_code=200)


@router.post("/api/admin/roles/validate", operation_id="validateRole")
def validate_role(body: ValidateRoleIn, _: AdminDep, db: SessionDep) -> Response:
    RoleService(db).validate(body.name, body.role_id, body.type, _refs(body))
    return Response(status_code=200)


@router.get(
    "/api/admin/permissions",
    operation_id="getPermissions",
    responses=answers(AdminPermissionsSchema),
)
def get_permissions(_: PrincipalDep) -> dict[str, Any]:
    def rows(kind: PermissionType) -> list[dict[str, Any]]:
        return [
            {
                "id": info.id,
                "name": name.value,
                "displayName": info.display_name,
                "type": kind.value,
            }
            for name, info in PERMISSIONS.items()
            if info.type == kind
        ]

    return {
        "version": 1,
        "permissions": {
            "root": rows(PermissionType.ROOT),
            "project": rows(PermissionType.PROJECT),
            "environments": [{"name": "*", "permissions": rows(PermissionType.ENVIRONMENT)}],
        },
    }
