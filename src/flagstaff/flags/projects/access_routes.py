"""``/api/admin/projects/{projectId}/access`` and a project's user roles."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Response

from flagstaff.core.routing import TransactionalRoute
from flagstaff.core.schemas import answers
from flagstaff.flags.deps import ProjectId
from flagstaff.flags.projects.access import ProjectAccessService
from flagstaff.flags.projects.schemas import (
    AccountRef,
    AddAccessIn,
    ProjectAccessSchema,
    SetRolesIn,
)
from flagstaff.flags.projects.views import member_json, role_json
from flagstaff.http.deps import ActorDep, SessionDep, require
from flagstaff.rbac.permissions import Permission
from flagstaff.rbac.principal import Principal

router = APIRouter(route_class=TransactionalRoute, tags=["Projects"])

ReadAccessDep = Annotated[
    Principal, Depends(require(Permission.PROJECT_USER_ACCESS_READ, project_param="projectId"))
]
WriteAccessDep = Annotated[
    Principal, Depends(require(Permission.PROJECT_USER_ACCESS_WRITE, project_param="projectId"))
]
UserId = Annotated[int, Path(alias="userId", ge=1, le=2_147_483_647)]


def _ids(refs: list[int | AccountRef]) -> list[int]:
    return [ref.id if isinstance(ref, AccountRef) else ref for ref in refs]


@router.get(
    "/api/admin/projects/{projectId}/access",
    operation_id="getProjectAccess",
    responses=answers(ProjectAccessSchema),
)
def get_access(project_id: ProjectId, _: ReadAccessDep, db: SessionDep) -> dict[str, Any]:
    service = ProjectAccessService(db)
    members = service.members(project_id)
    return {
        "roles": [role_json(r) for r in service.project_roles()],
        "users": [member_json(m) for m in members],
        "groups": [],
    }


@router.post("/api/admin/projects/{projectId}/access", operation_id="addAccessToProject")
def add_access(
    project_id: ProjectId,
    body: AddAccessIn,
    actor: ActorDep,
    principal: WriteAccessDep,
    db: SessionDep,
) -> Response:
    ProjectAccessService(db).add_access(
        actor, principal, project_id, body.roles, _ids(body.users), _ids(body.groups)
    )
    return Response(status_code=200)


@router.put("/api/admin/projects/{projectId}/users/{userId}/roles", operation_id="setRolesForUser")
def set_user_roles(
    project_id: ProjectId,
    user_id: UserId,
    body: SetRolesIn,
    actor: ActorDep,
    principal: WriteAccessDep,
    db: SessionDep,
) -> Response:
    ProjectAccessService(db).set_account_roles(actor, principal, project_id, user_id, body.roles)
    return Response(status_code=200)


@router.delete(
    "/api/admin/projects/{projectId}/users/{userId}/roles", operation_id="removeUserAccess"
)
def remove_user(
    project_id: ProjectId,
    user_id: UserId,
    actor: ActorDep,
    _: WriteAccessDep,
    db: SessionDep,
) -> Response:
    ProjectAccessService(db).remove_account(actor, project_id, user_id)
    return Response(status_code=200)
