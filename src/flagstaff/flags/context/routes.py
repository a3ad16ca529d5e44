"""Context fields: global (``/api/admin/context``) and project-scoped
(``/api/admin/projects/{projectId}/context``).

Reading is open to every account. Changing a global field takes the root permission; changing a
project's field takes either that root permission or ``UPDATE_PROJECT_CONTEXT`` in the project,
as in Unleash.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request, Response
from fastapi.responses import JSONResponse

from flagstaff.core.errors import PermissionDeniedError
from flagstaff.core.routing import TransactionalRoute
from flagstaff.core.schemas import answers
from flagstaff.events.service import Actor
from flagstaff.flags.context.schemas import (
    ContextFieldNameIn,
    ContextFieldOut,
    ContextFieldStrategiesOut,
    CreateContextFieldIn,
    LegalValueIn,
    UpdateContextFieldIn,
)
from flagstaff.flags.context.service import (
    ContextFieldInput,
    ContextFieldService,
    FieldUsage,
    context_field_json,
    legal_value,
)
from flagstaff.flags.deps import ProjectId
from flagstaff.http.deps import ActorDep, AnyAccountDep, PrincipalDep, SessionDep
from flagstaff.rbac.permissions import Permission
from flagstaff.rbac.policy import is_allowed
from flagstaff.rbac.principal import Principal

router = APIRouter(route_class=TransactionalRoute, tags=["Context"])

GLOBAL = "/api/admin/context"
PROJECT = "/api/admin/projects/{projectId}/context"

# Unleash lists usage counts of zero explicitly.
NO_USE = FieldUsage(0, 0)
OK = 200

FieldName = Annotated[str, Path(alias="contextField", max_length=255)]
LegalValueName = Annotated[str, Path(alias="legalValue", max_length=10_000)]
Include = Annotated[str | None, Query(max_length=100)]


def _either(
    permission: Permission,
) -> Callable[[Request, Principal], Coroutine[Any, Any, Principal]]:
    """The root permission, or ``UPDATE_PROJECT_CONTEXT`` in the path's project."""

    async def check(request: Request, principal: PrincipalDep) -> Principal:
        project = request.path_params.get("projectId")
        if is_allowed(principal, permission) or (
            project is not None
            and is_allowed(principal, Permission.UPDATE_PROJECT_CONTEXT, project)
        ):
            return principal
        needed = [permission.value]
        if project is not None:
            needed.append(Permission.UPDATE_PROJECT_CONTEXT.value)
        raise PermissionDeniedError(needed)

    return check


CreateDep = Annotated[Principal, Depends(_either(Permission.CREATE_CONTEXT_FIELD))]
UpdateDep = Annotated[Principal, Depends(_either(Permission.UPDATE_CONTEXT_FIELD))]
DeleteDep = Annotated[Principal, Depends(_either(Permission.DELETE_CONTEXT_FIELD))]


def _input(body: UpdateContextFieldIn) -> ContextFieldInput:
    return ContextFieldInput(
        description=body.description,
        stickiness=bool(body.stickiness),
        sort_order=body.sort_order,
        legal_values=[legal_value(v.value, v.description) for v in body.legal_values or []],
    )


def _list(db: SessionDep, project: str | None, include: str | None) -> list[dict[str, Any]]:
    service = ContextFieldService(db)
    usage = service.usage()
    return [
        context_field_json(field, usage.get(field.name) or NO_USE)
        for field in service.listed(project, include=include)
    ]


def _create(
    db: SessionDep, actor: Actor, project: str | None, body: CreateContextFieldIn
) -> Response:
    field = ContextFieldService(db).create(actor, body.name, project, _input(body))
    return JSONResponse(
        context_field_json(field), status_code=201, headers={"Location": f"context/{field.name}"}
    )


def _strategies(db: SessionDep, name: str) -> dict[str, Any]:
    return {
        "strategies": [
            {
                "id": use.id,
                "projectId": use.project,
                "featureName": use.feature_name,
                "strategyName": use.strategy_name,
                "environment": use.environment,
            }
            for use in ContextFieldService(db).strategies(name)
        ]
    }


# Global fields


@router.get(GLOBAL, operation_id="getContextFields", responses=answers(list[ContextFieldOut]))
def get_context_fields(
    _: AnyAccountDep, db: SessionDep, include: Include = None
) -> list[dict[str, Any]]:
    return _list(db, None, include)


@router.post(
    GLOBAL,
    operation_id="createContextField",
    status_code=201,
    responses=answers(ContextFieldOut, 201),
)
def create_context_field(
    body: CreateContextFieldIn, actor: ActorDep, _: CreateDep, db: SessionDep
) -> Response:
    return _create(db, actor, body.project, body)


@router.post(f"{GLOBAL}/validate", operation_id="validateContextFieldName")
def validate_context_field_name(body: ContextFieldNameIn, _: UpdateDep, db: SessionDep) -> Response:
    ContextFieldService(db).validate_name(body.name)
    return Response(status_code=OK)


@router.get(
    f"{GLOBAL}/{{contextField}}", operation_id="getContextField", responses=answers(ContextFieldOut)
)
def get_context_field(name: FieldName, _: AnyAccountDep, db: SessionDep) -> dict[str, Any]:
    return context_field_json(ContextFieldService(db).get(name))


@router.put(f"{GLOBAL}/{{contextField}}", operation_id="updateContextField")
def update_context_field(
    name: FieldName, body: UpdateContextFieldIn, actor: ActorDep, _: UpdateDep, db: SessionDep
) -> Response:
    ContextFieldService(db).update(actor, name, None, _input(body))
    return Response(status_code=OK)


@router.delete(f"{GLOBAL}/{{contextField}}", operation_id="deleteContextField")
def delete_context_field(
    name: FieldName, actor: ActorDep, _: DeleteDep, db: SessionDep
) -> Response:
    ContextFieldService(db).delete(actor, name, None)
    return Response(status_code=OK)


@router.get(
    f"{GLOBAL}/{{contextField}}/strategies",
    operation_id="getStrategiesByContextField",
    responses=answers(ContextFieldStrategiesOut),
)
def get_strategies_by_context_field(
    name: FieldName, _: AnyAccountDep, db: SessionDep
) -> dict[str, Any]:
    return _strategies(db, name)


@router.post(f"{GLOBAL}/{{contextField}}/legal-values", operation_id="updateContextFieldLegalValue")
def put_legal_value(
    name: FieldName, body: LegalValueIn, actor: ActorDep, _: UpdateDep, db: SessionDep
) -> Response:
    ContextFieldService(db).put_legal_value(actor, name, None, body.value, body.description)
    return Response(status_code=OK)


@router.delete(
    f"{GLOBAL}/{{contextField}}/legal-values/{{legalValue}}",
    operation_id="deleteContextFieldLegalValue",
)
def delete_legal_value(
    name: FieldName, value: LegalValueName, actor: ActorDep, _: UpdateDep, db: SessionDep
) -> Response:
    ContextFieldService(db).delete_legal_value(actor, name, None, value)
    return Response(status_code=OK)


# Fields of one project


@router.get(
    PROJECT,
    operation_id="getContextFieldsForProject",
    responses=answers(list[ContextFieldOut]),
)
def get_project_context_fields(
    project_id: ProjectId, _: AnyAccountDep, db: SessionDep, include: Include = None
) -> list[dict[str, Any]]:
    return _list(db, project_id, include)


@router.post(
    PROJECT,
    operation_id="createContextFieldForProject",
    status_code=201,
    responses=answers(ContextFieldOut, 201),
)
def create_project_context_field(
    project_id: ProjectId,
    body: CreateContextFieldIn,
    actor: ActorDep,
    _: CreateDep,
    db: SessionDep,
) -> Response:
    return _create(db, actor, project_id, body)


@router.post(f"{PROJECT}/validate", operation_id="validateContextFieldNameForProject")
def validate_project_context_field_name(
    project_id: ProjectId, body: ContextFieldNameIn, _: UpdateDep, db: SessionDep
) -> Response:
    service = ContextFieldService(db)
    service.check_project(project_id)
    service.validate_name(body.name)
    return Response(status_code=OK)


@router.get(
    f"{PROJECT}/{{contextField}}",
    operation_id="getContextFieldForProject",
    responses=answers(ContextFieldOut),
)
def get_project_context_field(
    project_id: ProjectId, name: FieldName, _: AnyAccountDep, db: SessionDep
) -> dict[str, Any]:
    return context_field_json(ContextFieldService(db).get(name, project_id))


@router.put(f"{PROJECT}/{{contextField}}", operation_id="updateContextFieldForProject")
def update_project_context_field(
    project_id: ProjectId,
    name: FieldName,
    body: UpdateContextFieldIn,
    actor: ActorDep,
    _: UpdateDep,
    db: SessionDep,
) -> Response:
    ContextFieldService(db).update(actor, name, project_id, _input(body))
    return Response(status_code=OK)


@router.delete(f"{PROJECT}/{{contextField}}", operation_id="deleteContextFieldForProject")
def delete_project_context_field(
    project_id: ProjectId, name: FieldName, actor: ActorDep, _: DeleteDep, db: SessionDep
) -> Response:
    ContextFieldService(db).delete(actor, name, project_id)
    return Response(status_code=OK)


@router.get(
    f"{PROJECT}/{{contextField}}/strategies",
    operation_id="getStrategiesByContextFieldForProject",
    responses=answers(ContextFieldStrategiesOut),
)
def get_project_strategies_by_context_field(
    project_id: ProjectId, name: FieldName, _: AnyAccountDep, db: SessionDep
) -> dict[str, Any]:
    ContextFieldService(db).check_project(project_id)
    return _strategies(db, name)


@router.post(
    f"{PROJECT}/{{contextField}}/legal-values",
    operation_id="updateContextFieldLegalValueForProject",
)
def put_project_legal_value(
    project_id: ProjectId,
    name: FieldName,
    body: LegalValueIn,
    actor: ActorDep,
    _: UpdateDep,
    db: SessionDep,
) -> Response:
    ContextFieldService(db).put_legal_value(actor, name, project_id, body.value, body.description)
    return Response(status_code=OK)


@router.delete(
    f"{PROJECT}/{{contextField}}/legal-values/{{legalValue}}",
    operation_id="deleteContextFieldLegalValueForProject",
)
def delete_project_legal_value(
    project_id: ProjectId,
    name: FieldName,
    value: LegalValueName,
    actor: ActorDep,
    _: UpdateDep,
    db: SessionDep,
) -> Response:
    ContextFieldService(db).delete_legal_value(actor, name, project_id, value)
    return Response(status_code=OK)
