"""``…/features/{child}/dependencies``: which flags a flag depends on."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Response
from pydantic import AfterValidator

from flagstaff.core.routing import TransactionalRoute
from flagstaff.flags.deps import ProjectId
from flagstaff.flags.features.dependencies import DependencyService
from flagstaff.flags.features.schemas import DependencyIn
from flagstaff.flags.paths import restore_name
from flagstaff.http.deps import ActorDep, AnyAccountDep, SessionDep, require
from flagstaff.rbac.permissions import Permission
from flagstaff.rbac.principal import Principal

router = APIRouter(route_class=TransactionalRoute, tags=["Dependencies"])

CHILD = "/api/admin/projects/{projectId}/features/{child}"
Child = Annotated[str, Path(alias="child"), AfterValidator(restore_name)]
Parent = Annotated[str, Path(alias="parent"), AfterValidator(restore_name)]
DependencyDep = Annotated[
    Principal, Depends(require(Permission.UPDATE_FEATURE_DEPENDENCY, project_param="projectId"))
]


@router.post(CHILD + "/dependencies", operation_id="addFeatureDependency")
def add_dependency(
    project_id: ProjectId,
    child: Child,
    body: DependencyIn,
    actor: ActorDep,
    _: DependencyDep,
    db: SessionDep,
) -> Response:
    DependencyService(db).add(actor, project_id, child, body.feature, body.enabled, body.variants)
    return Response(status_code=200)


@router.delete(CHILD + "/dependencies/{parent}", operation_id="deleteFeatureDependency")
def delete_dependency(
    project_id: ProjectId,
    child: Child,
    parent: Parent,
    actor: ActorDep,
    _: DependencyDep,
    db: SessionDep,
) -> Response:
    DependencyService(db).remove(actor, project_id, child, parent)
    return Response(status_code=200)


@router.delete(CHILD + "/dependencies", operation_id="deleteFeatureDependencies")
def delete_dependencies(
    project_id: ProjectId, child: Child, actor: ActorDep, _: DependencyDep, db: SessionDep
) -> Response:
    DependencyService(db).remove_all(actor, project_id, child)
    return Response(status_code=200)


@router.get(CHILD + "/parents", operation_id="listParentOptions")
def list_parent_options(
    project_id: ProjectId, child: Child, _: AnyAccountDep, db: SessionDep
) -> list[str]:
    return DependencyService(db).parent_options(project_id, child)


@router.get("/api/admin/projects/{projectId}/dependencies", operation_id="checkDependenciesExist")
def check_dependencies_exist(project_id: ProjectId, _: AnyAccountDep, db: SessionDep) -> bool:
    return DependencyService(db).project_has_dependencies(project_id)


@router.get(
    "/api/admin/projects/{projectId}/features/{parent}/parent-variants",
    operation_id="listParentVariantOptions",
)
def list_parent_variant_options(
    project_id: ProjectId, parent: Parent, _: AnyAccountDep, db: SessionDep
) -> list[str]:
    return DependencyService(db).parent_variants(project_id, parent)
