"""``/api/admin/environments``: the environments of the installation."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Path, Response
from pydantic import StrictInt

from flagstaff.core.routing import TransactionalRoute
from flagstaff.core.schemas import answers
from flagstaff.flags.environments.schemas import EnvironmentOut, EnvironmentsOut
from flagstaff.flags.environments.service import EnvironmentService
from flagstaff.flags.projects.views import environment_json
from flagstaff.http.deps import ActorDep, AdminDep, AnyAccountDep, SessionDep

router = APIRouter(route_class=TransactionalRoute, tags=["Environments"])

EnvName = Annotated[str, Path(alias="name", max_length=100)]


@router.get(
    "/api/admin/environments",
    operation_id="getAllEnvironments",
    responses=answers(EnvironmentsOut),
)
def get_environments(_: AnyAccountDep, db: SessionDep) -> dict[str, Any]:
    service = EnvironmentService(db)
    stats = service.stats()
    return {
        "version": 1,
        "environments": [environment_json(e, stats.get(e.name)) for e in service.all()],
    }


@router.put("/api/admin/environments/sort-order", operation_id="updateSortOrder")
def update_sort_order(
    orders: Annotated[dict[str, StrictInt], Body()], actor: ActorDep, _: AdminDep, db: SessionDep
) -> Response:
    EnvironmentService(db).set_sort_order(actor, orders)
    return Response(status_code=200)


@router.get(
    "/api/admin/environments/{name}",
    operation_id="getEnvironment",
    responses=answers(EnvironmentOut),
)
def get_environment(name: EnvName, _: AnyAccountDep, db: SessionDep) -> dict[str, Any]:
    service = EnvironmentService(db)
    env = service.get(name)
    return environment_json(env, service.stats().get(env.name))


@router.post("/api/admin/environments/{name}/on", operation_id="toggleEnvironmentOn")
def environment_on(name: EnvName, actor: ActorDep, _: AdminDep, db: SessionDep) -> Response:
    EnvironmentService(db).set_enabled(actor, name, True)
    return Response(status_code=204)


@router.post("/api/admin/environments/{name}/off", operation_id="toggleEnvironmentOff")
def environment_off(name: EnvName, actor: ActorDep, _: AdminDep, db: SessionDep) -> Response:
    EnvironmentService(db).set_enabled(actor, name, False)
    return Response(status_code=204)
