"""``/api/admin/addons``: Unleash's addons API, with the ``webhook`` provider.

Reading needs only an Admin API caller (as in Unleash; sensitive parameters are masked);
changes need ``CREATE_ADDON``, ``UPDATE_ADDON`` or ``DELETE_ADDON``; the delivery log shows
events and receivers' answers, so it needs ``UPDATE_ADDON`` too."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Response

from flagstaff.addons.providers import providers_out
from flagstaff.addons.schemas import (
    AddonIn,
    AddonSchema,
    AddonsSchema,
    CreatedAddonSchema,
    IntegrationEventsSchema,
    delivery_out,
)
from flagstaff.addons.service import AddonService
from flagstaff.addons.signing import Secrets
from flagstaff.core.routing import TransactionalRoute
from flagstaff.core.schemas import answers
from flagstaff.http.deps import ActorDep, ContextDep, PrincipalDep, SessionDep, require
from flagstaff.rbac.permissions import Permission
from flagstaff.rbac.principal import Principal

router = APIRouter(route_class=TransactionalRoute, tags=["Addons"])

BASE = "/api/admin/addons"
AddonId = Annotated[int, Path(alias="id", ge=1, le=2_147_483_647)]
CreateDep = Annotated[Principal, Depends(require(Permission.CREATE_ADDON))]
UpdateDep = Annotated[Principal, Depends(require(Permission.UPDATE_ADDON))]
DeleteDep = Annotated[Principal, Depends(require(Permission.DELETE_ADDON))]
MAX_PAGE = 1000


def _service(db: SessionDep, context: ContextDep) -> AddonService:
    return AddonService(db, context.settings, Secrets(context.keys))


@router.get(BASE, operation_id="getAddons", responses=answers(AddonsSchema))
def get_addons(_: PrincipalDep, db: SessionDep, context: ContextDep) -> dict[str, Any]:
    """Every addon, its sensitive parameters masked, and the providers one can be made with."""
    return {
        "addons": [view.out() for view in _service(db, context).all()],
        "providers": providers_out(),
    }


@router.post(BASE, operation_id="createAddon", responses=answers(CreatedAddonSchema))
def create_addon(
    body: AddonIn,
    response: Response,
    actor: ActorDep,
    _: CreateDep,
    db: SessionDep,
    context: ContextDep,
) -> dict[str, Any]:
    """Flagstaff adds ``signingSecret``, the key of the ``Flagstaff-Signature`` header of every
    delivery: shown in this answer only."""
    view, secret = _service(db, context).create(actor, body)
    response.headers["Location"] = f"{BASE}/{view.addon.id}"
    return {**view.out(), "signingSecret": secret}


@router.get(f"{BASE}/{{id}}", operation_id="getAddon", responses=answers(AddonSchema))
def get_addon(
    addon_id: AddonId, _: PrincipalDep, db: SessionDep, context: ContextDep
) -> dict[str, Any]:
    return _service(db, context).get(addon_id).out()


@router.put(f"{BASE}/{{id}}", operation_id="updateAddon", responses=answers(AddonSchema))
def update_addon(
    addon_id: AddonId,
    body: AddonIn,
    actor: ActorDep,
    _: UpdateDep,
    db: SessionDep,
    context: ContextDep,
) -> dict[str, Any]:
    """A sensitive parameter sent as ``*****`` (as reads show it) keeps its stored value."""
    return _service(db, context).update(actor, addon_id, body).out()


@router.delete(f"{BASE}/{{id}}", operation_id="deleteAddon")
def delete_addon(
    addon_id: AddonId, actor: ActorDep, _: DeleteDep, db: SessionDep, context: ContextDep
) -> Response:
    _service(db, context).delete(actor, addon_id)
    return Response(status_code=200)


@router.get(
    f"{BASE}/{{id}}/events",
    operation_id="getIntegrationEvents",
    responses=answers(IntegrationEventsSchema),
)
def get_integration_events(
    addon_id: AddonId,
    _: UpdateDep,
    db: SessionDep,
    context: ContextDep,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 50,
    offset: Annotated[int, Query(ge=0, le=2_147_483_647)] = 0,
) -> dict[str, Any]:
    """The delivery log, newest attempt first: one entry per attempt, with the receiver's
    status, how long it took, the error and when the next attempt is due."""
    rows = _service(db, context).deliveries(addon_id, offset, limit)
    return {"integrationEvents": [delivery_out(attempt, event) for attempt, event in rows]}
