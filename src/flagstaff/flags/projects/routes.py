"""``/api/admin/projects``: projects and the environments each uses."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Response

from flagstaff.core.routing import TransactionalRoute
from flagstaff.core.schemas import answers
from flagstaff.flags.deps import Environment, ProjectId
from flagstaff.flags.environments.service import EnvironmentService
from flagstaff.flags.favorites.service import FavoriteService
from flagstaff.flags.projects.schemas import (
    CreateProjectIn,
    EnvironmentsProjectSchema,
    ProjectCreatedSchema,
    ProjectEnvironmentIn,
    ProjectSchema,
    ProjectsSchema,
    UpdateProjectIn,
)
from flagstaff.flags.projects.service import ProjectFields, ProjectService
from flagstaff.flags.projects.views import (
    project_created_json,
    project_environment_json,
    project_json,
)
from flagstaff.flags.strategies.defaults import DefaultStrategyService
from flagstaff.flags.strategies.routes import strategy_input
from flagstaff.flags.strategies.schemas import CreateFeatureStrategySchema, StrategyIn
from flagstaff.http.deps import ActorDep, AnyAccountDep, SessionDep, require
from flagstaff.rbac.permissions import Permission
from flagstaff.rbac.principal import Principal

router = APIRouter(route_class=TransactionalRoute, tags=["Projects"])

CreateProjectDep = Annotated[Principal, Depends(require(Permission.CREATE_PROJECT))]
UpdateProjectDep = Annotated[
    Principal, Depends(require(Permission.UPDATE_PROJECT, project_param="projectId"))
]
DefaultStrategyDep = Annotated[
    Principal,
    Depends(require(Permission.PROJECT_DEFAULT_STRATEGY_WRITE, project_param="projectId")),
]
DeleteProjectDep = Annotated[
    Principal, Depends(require(Permission.DELETE_PROJECT, project_param="projectId"))
]


@router.get("/api/admin/projects", operation_id="getProjects", responses=answers(ProjectsSchema))
def get_projects(
    principal: AnyAccountDep,
    db: SessionDep,
    archived: Annotated[bool, Query(strict=False)] = False,
) -> dict[str, Any]:
    """Active projects; with ``archived=true`` the archived ones instead, as Unleash. In name
    order, as Unleash: its UI, not the API, lists favorites first."""
    service = ProjectService(db)
    stats, owners = service.stats(), service.owners()
    favorites = FavoriteService(db).projects_of(principal.account_id)
    return {
        "version": 1,
        "projects": [
            {
                **project_json(p, stats.get(p.id), owners.get(p.id)),
                "favorite": p.id in favorites,
            }
            for p in service.all(archived=archived)
        ],
    }


@router.get(
    "/api/admin/projects/{projectId}", operation_id="getProject", responses=answers(ProjectSchema)
)
def get_project(project_id: ProjectId, principal: AnyAccountDep, db: SessionDep) -> dict[str, Any]:
    service = ProjectService(db)
    project = service.get(project_id)
    return {
        **project_json(project, service.stats().get(project.id), service.owners().get(project.id)),
        "favorite": FavoriteService(db).is_favorite_project(principal.account_id, project.id),
    }


@router.post(
    "/api/admin/projects",
    operation_id="createProject",
    status_code=201,
    responses=answers(ProjectCreatedSchema, 201),
)
def create_project(
    body: CreateProjectIn, actor: ActorDep, principal: CreateProjectDep, db: SessionDep
) -> dict[str, Any]:
    project = ProjectService(db).create(
        actor,
        principal.account_id,
        body.id,
        ProjectFields(
            name=body.name,
            description=body.description,
            mode=body.mode,
            default_stickiness=body.default_stickiness,
            feature_limit=body.feature_limit,
        ),
        body.environments,
    )
    return project_created_json(project)


@router.put("/api/admin/projects/{projectId}", operation_id="updateProject")
def update_project(
    project_id: ProjectId,
    body: UpdateProjectIn,
    actor: ActorDep,
    _: UpdateProjectDep,
    db: SessionDep,
) -> Response:
    ProjectService(db).update(
        actor,
        project_id,
        ProjectFields(
            name=body.name,
            description=body.description,
            mode=body.mode,
            default_stickiness=body.default_stickiness,
            feature_limit=body.feature_limit,
        ),
    )
    return Response(status_code=200)


@router.delete("/api/admin/projects/{projectId}", operation_id="deleteProject")
def delete_project(
    project_id: ProjectId, actor: ActorDep, _: DeleteProjectDep, db: SessionDep
) -> Response:
    ProjectService(db).delete(actor, project_id)
    return Response(status_code=200)


@router.post("/api/admin/projects/{projectId}/environments", operation_id="addEnvironmentToProject")
def add_environment(
    project_id: ProjectId,
    body: ProjectEnvironmentIn,
    actor: ActorDep,
    _: UpdateProjectDep,
    db: SessionDep,
) -> Response:
    ProjectService(db).add_environment(actor, project_id, body.environment)
    return Response(status_code=200)


@router.delete(
    "/api/admin/projects/{projectId}/environments/{environment}",
    operation_id="removeEnvironmentFromProject",
)
def remove_environment(
    project_id: ProjectId,
    environment: Environment,
    actor: ActorDep,
    _: UpdateProjectDep,
    db: SessionDep,
) -> Response:
    ProjectService(db).remove_environment(actor, project_id, environment)
    return Response(status_code=200)


@router.get(
    "/api/admin/environments/project/{projectId}",
    operation_id="getProjectEnvironments",
    responses=answers(EnvironmentsProjectSchema),
)
def get_project_environments(
    project_id: ProjectId, _: AnyAccountDep, db: SessionDep
) -> dict[str, Any]:
    service = EnvironmentService(db)
    used = service.project_environment_names(project_id)
    stats = service.stats(project_id)
    return {
        "version": 1,
        "environments": [
            project_environment_json(e, stats.get(e.name), e.name in used)
            for e in service.all()
            if e.name in used
        ],
    }


@router.post(
    "/api/admin/projects/{projectId}/environments/{environment}/default-strategy",
    operation_id="addDefaultStrategyToProjectEnvironment",
    responses=answers(CreateFeatureStrategySchema),
)
def set_default_strategy(
    project_id: ProjectId,
    environment: Environment,
    body: StrategyIn,
    actor: ActorDep,
    _: DefaultStrategyDep,
    db: SessionDep,
) -> dict[str, Any]:
    return DefaultStrategyService(db).set(actor, project_id, environment, strategy_input(body))
