"""Archiving and reviving projects.

Unleash's paths (``/api/admin/projects/archive/{projectId}``, ``.../revive/{projectId}``), not
``/api/admin/projects/{projectId}/archive``: that one archives a list of the project's flags.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Response

from flagstaff.core.routing import TransactionalRoute
from flagstaff.flags.projects.service import ProjectService
from flagstaff.http.deps import ActorDep, SessionDep, require
from flagstaff.rbac.permissions import Permission
from flagstaff.rbac.principal import Principal

router = APIRouter(route_class=TransactionalRoute, tags=["Projects"])

# NUL refused here (400): PostgreSQL text cannot hold it.
ProjectId = Annotated[str, Path(alias="projectId", max_length=100, pattern=r"^[^\x00]*$")]

# As Unleash's UI: archiving is the project's delete permission, reviving its update one.
ArchiveProjectDep = Annotated[
    Principal, Depends(require(Permission.DELETE_PROJECT, project_param="projectId"))
]
ReviveProjectDep = Annotated[
    Principal, Depends(require(Permission.UPDATE_PROJECT, project_param="projectId"))
]


@router.post("/api/admin/projects/archive/{projectId}", operation_id="archiveProject")
def archive_project(
    project_id: ProjectId, actor: ActorDep, _: ArchiveProjectDep, db: SessionDep
) -> Response:
    ProjectService(db).archive(actor, project_id)
    return Response(status_code=200)


@router.post("/api/admin/projects/revive/{projectId}", operation_id="reviveProject")
def revive_project(
    project_id: ProjectId, actor: ActorDep, _: ReviveProjectDep, db: SessionDep
) -> Response:
    ProjectService(db).revive(actor, project_id)
    return Response(status_code=200)
