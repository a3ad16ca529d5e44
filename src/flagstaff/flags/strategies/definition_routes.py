"""``/api/admin/strategies``: strategy definitions."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Response

from flagstaff.core.routing import TransactionalRoute
from flagstaff.core.schemas import answers
from flagstaff.flags.schemas import dumped
from flagstaff.flags.strategies.definitions import (
    DefinitionInput,
    DefinitionService,
    definition_json,
)
from flagstaff.flags.strategies.schemas import (
    DefinitionIn,
    DefinitionOut,
    DefinitionsOut,
    UpdateDefinitionIn,
)
from flagstaff.http.deps import ActorDep, AnyAccountDep, SessionDep, require
from flagstaff.rbac.permissions import Permission
from flagstaff.rbac.principal import Principal

router = APIRouter(route_class=TransactionalRoute, tags=["Strategies"])

Name = Annotated[str, Path(alias="name", max_length=255)]
StrategyName = Annotated[str, Path(alias="strategyName", max_length=255)]
CreateDep = Annotated[Principal, Depends(require(Permission.CREATE_STRATEGY))]
UpdateDep = Annotated[Principal, Depends(require(Permission.UPDATE_STRATEGY))]
DeleteDep = Annotated[Principal, Depends(require(Permission.DELETE_STRATEGY))]


@router.get(
    "/api/admin/strategies", operation_id="getAllStrategies", responses=answers(DefinitionsOut)
)
def get_strategies(_: AnyAccountDep, db: SessionDep) -> dict[str, Any]:
    definitions = DefinitionService(db).all()
    return {"version": 1, "strategies": [definition_json(d) for d in definitions]}


@router.get(
    "/api/admin/strategies/{name}", operation_id="getStrategy", responses=answers(DefinitionOut)
)
def get_strategy(name: Name, _: AnyAccountDep, db: SessionDep) -> dict[str, Any]:
    return definition_json(DefinitionService(db).get(name))


@router.post(
    "/api/admin/strategies",
    operation_id="createStrategy",
    status_code=201,
    responses=answers(DefinitionOut, 201),
)
def create_strategy(
    body: DefinitionIn, actor: ActorDep, _: CreateDep, db: SessionDep
) -> dict[str, Any]:
    given = DefinitionInput(body.name, body.title, body.description, dumped(body.parameters))
    return definition_json(DefinitionService(db).create(actor, given))


@router.put("/api/admin/strategies/{name}", operation_id="updateStrategy")
def update_strategy(
    name: Name, body: UpdateDefinitionIn, actor: ActorDep, _: UpdateDep, db: SessionDep
) -> Response:
    given = DefinitionInput(name, body.title, body.description, dumped(body.parameters))
    DefinitionService(db).update(actor, name, given)
    return Response(status_code=200)


@router.delete("/api/admin/strategies/{name}", operation_id="removeStrategy")
def delete_strategy(name: Name, actor: ActorDep, _: DeleteDep, db: SessionDep) -> Response:
    DefinitionService(db).delete(actor, name)
    return Response(status_code=200)


@router.post("/api/admin/strategies/{strategyName}/deprecate", operation_id="deprecateStrategy")
def deprecate_strategy(
    name: StrategyName, actor: ActorDep, _: UpdateDep, db: SessionDep
) -> Response:
    DefinitionService(db).set_deprecated(actor, name, True)
    return Response(status_code=200)


@router.post("/api/admin/strategies/{strategyName}/reactivate", operation_id="reactivateStrategy")
def reactivate_strategy(
    name: StrategyName, actor: ActorDep, _: UpdateDep, db: SessionDep
) -> Response:
    DefinitionService(db).set_deprecated(actor, name, False)
    return Response(status_code=200)
