"""``/api/admin/api-tokens`` and ``/api/admin/projects/{projectId}/api-tokens``."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Response

from flagstaff.core.errors import BadDataError, NotFoundError, PermissionDeniedError
from flagstaff.core.routing import TransactionalRoute
from flagstaff.core.schemas import answers
from flagstaff.credentials.api_tokens.schemas import (
    ApiTokenOut,
    ApiTokensOut,
    CreateApiTokenIn,
    CreateProjectApiTokenIn,
    UpdateApiTokenIn,
    api_token_out,
)
from flagstaff.credentials.api_tokens.service import ApiTokenService, NewApiToken, normalize_type
from flagstaff.flags.projects.models import Project
from flagstaff.http.deps import ActorDep, ContextDep, PrincipalDep, SessionDep
from flagstaff.rbac.permissions import Permission
from flagstaff.rbac.policy import is_allowed
from flagstaff.rbac.principal import Principal

router = APIRouter(route_class=TransactionalRoute, tags=["API tokens"])

BASE = "/api/admin/api-tokens"
PROJECT_BASE = "/api/admin/projects/{projectId}/api-tokens"
TokenParam = Annotated[str, Path(max_length=512)]
ProjectParam = Annotated[str, Path(alias="projectId", max_length=100)]

# Which permission each action needs per token type; reading is allowed by any of a type's.
NEEDED = {
    "create": {
        "client": Permission.CREATE_CLIENT_API_TOKEN,
        "frontend": Permission.CREATE_FRONTEND_API_TOKEN,
    },
    "update": {
        "client": Permission.UPDATE_CLIENT_API_TOKEN,
        "frontend": Permission.UPDATE_FRONTEND_API_TOKEN,
    },
    "delete": {
        "client": Permission.DELETE_CLIENT_API_TOKEN,
        "frontend": Permission.DELETE_FRONTEND_API_TOKEN,
    },
}
READABLE_WITH = {
    "client": (
        Permission.READ_CLIENT_API_TOKEN,
        Permission.CREATE_CLIENT_API_TOKEN,
        Permission.UPDATE_CLIENT_API_TOKEN,
        Permission.DELETE_CLIENT_API_TOKEN,
    ),
    "frontend": (
        Permission.READ_FRONTEND_API_TOKEN,
        Permission.CREATE_FRONTEND_API_TOKEN,
        Permission.UPDATE_FRONTEND_API_TOKEN,
        Permission.DELETE_FRONTEND_API_TOKEN,
    ),
}


def _service(db: SessionDep, context: ContextDep) -> ApiTokenService:
    return ApiTokenService(db, context.keys, settings=context.settings)


def _needed(action: str, kind: str) -> Permission:
    return Permission.ADMIN if kind == "admin" else NEEDED[action][kind]


def _require(principal: Principal, permission: Permission) -> None:
    if not is_allowed(principal, permission):
        raise PermissionDeniedError([permission.value])


def _readable_types(principal: Principal) -> list[str]:
    if is_allowed(principal, Permission.ADMIN, write=False):
        return ["client", "frontend", "admin"]
    readable = [
        kind
        for kind, permissions in READABLE_WITH.items()
        if any(is_allowed(principal, p, write=False) for p in permissions)
    ]
    if not readable:
        raise PermissionDeniedError(
            [Permission.READ_CLIENT_API_TOKEN.value, Permission.READ_FRONTEND_API_TOKEN.value]
        )
    return readable


@router.get(BASE, operation_id="getAllApiTokens", responses=answers(ApiTokensOut))
def get_all_api_tokens(
    principal: PrincipalDep, db: SessionDep, context: ContextDep
) -> dict[str, Any]:
    tokens = _service(db, context).all(_readable_types(principal))
    return {"tokens": [api_token_out(t) for t in tokens]}


@router.get(BASE + "/{name}", operation_id="getApiTokensByName", responses=answers(ApiTokensOut))
def get_api_tokens_by_name(
    name: Annotated[str, Path(max_length=255)],
    principal: PrincipalDep,
    db: SessionDep,
    context: ContextDep,
) -> dict[str, Any]:
    tokens = _service(db, context).all(_readable_types(principal))
    return {"tokens": [api_token_out(t) for t in tokens if t.name == name]}


@router.post(
    BASE, operation_id="createApiToken", status_code=201, responses=answers(ApiTokenOut, 201)
)
def create_api_token(
    body: CreateApiTokenIn,
    response: Response,
    principal: PrincipalDep,
    actor: ActorDep,
    db: SessionDep,
    context: ContextDep,
) -> dict[str, Any]:
    _require(principal, _needed("create", normalize_type(body.type)))
    issued = _service(db, context).create(
        actor,
        NewApiToken(
            name=body.token_name,
            type=body.type,
            environment=body.scope_environment(),
            projects=body.scope_projects(),
            expires_at=body.expires_at,
        ),
    )
    response.headers["Location"] = f"{BASE}/{issued.token.selector}"
    return api_token_out(issued.token, secret=issued.secret)


@router.put(BASE + "/{token}", operation_id="updateApiToken")
def update_api_token(
    token: TokenParam,
    body: UpdateApiTokenIn,
    principal: PrincipalDep,
    actor: ActorDep,
    db: SessionDep,
    context: ContextDep,
) -> Response:
    service = _service(db, context)
    found = service.find(token)
    # As Unleash: an unknown token is "done", not an error (200, nothing changes).
    if found is not None:
        _require(principal, _needed("update", found.type))
        service.update_expiry(actor, found, body.expires_at)
    else:
        _readable_types(principal)
    return Response(status_code=200)


@router.delete(BASE + "/{token}", operation_id="deleteApiToken")
def delete_api_token(
    token: TokenParam,
    principal: PrincipalDep,
    actor: ActorDep,
    db: SessionDep,
    context: ContextDep,
) -> Response:
    service = _service(db, context)
    found = service.find(token)
    if found is not None:
        _require(principal, _needed("delete", found.type))
        service.delete(actor, found)
    else:
        _readable_types(principal)
    return Response(status_code=200)


def _project(db: SessionDep, project_id: str) -> str:
    if db.get(Project, project_id) is None:
        raise NotFoundError(f"Could not find project with id {project_id}")
    return project_id


def _require_in_project(principal: Principal, permission: Permission, project: str) -> None:
    write = permission != Permission.READ_PROJECT_API_TOKEN
    if not is_allowed(principal, permission, project, write=write):
        raise PermissionDeniedError([permission.value])


@router.get(
    PROJECT_BASE,
    operation_id="getProjectApiTokens",
    tags=["Projects"],
    responses=answers(ApiTokensOut),
)
def get_project_api_tokens(
    project_id: ProjectParam, principal: PrincipalDep, db: SessionDep, context: ContextDep
) -> dict[str, Any]:
    _require_in_project(principal, Permission.READ_PROJECT_API_TOKEN, project_id)
    project = _project(db, project_id)
    return {"tokens": [api_token_out(t) for t in _service(db, context).list_for_project(project)]}


@router.post(
    PROJECT_BASE,
    operation_id="createProjectApiToken",
    status_code=201,
    tags=["Projects"],
    responses=answers(ApiTokenOut, 201),
)
def create_project_api_token(
    project_id: ProjectParam,
    body: CreateProjectApiTokenIn,
    response: Response,
    principal: PrincipalDep,
    actor: ActorDep,
    db: SessionDep,
    context: ContextDep,
) -> dict[str, Any]:
    _require_in_project(principal, Permission.CREATE_PROJECT_API_TOKEN, project_id)
    project = _project(db, project_id)
    issued = _service(db, context).create(
        actor,
        NewApiToken(
            name=body.token_name,
            type=body.type,
            environment=body.scope_environment(),
            projects=[project],
            expires_at=body.expires_at,
        ),
    )
    response.headers["Location"] = f"{BASE}/{issued.token.selector}"
    return api_token_out(issued.token, secret=issued.secret)


@router.delete(PROJECT_BASE + "/{token}", operation_id="deleteProjectApiToken", tags=["Projects"])
def delete_project_api_token(
    project_id: ProjectParam,
    token: TokenParam,
    principal: PrincipalDep,
    actor: ActorDep,
    db: SessionDep,
    context: ContextDep,
) -> Response:
    _require_in_project(principal, Permission.DELETE_PROJECT_API_TOKEN, project_id)
    project = _project(db, project_id)
    service = _service(db, context)
    found = service.find(token)
    if found is None or project not in found.projects:
        raise NotFoundError(f"Could not find an API token of project {project}")
    if found.projects != [project]:
        raise BadDataError(
            "This token belongs to other projects too; delete it from /api/admin/api-tokens"
        )
    service.delete(actor, found)
    return Response(status_code=200)
