"""``/api/admin/maintenance``: read and switch maintenance mode (UPDATE_MAINTENANCE_MODE, as
Unleash requires for both)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Response

from flagstaff.core.routing import TransactionalRoute
from flagstaff.core.schemas import answers
from flagstaff.http.deps import ActorDep, ContextDep, SessionDep, require
from flagstaff.instance.service import InstanceSettingsService
from flagstaff.instance.state import instance_settings
from flagstaff.maintenance.schemas import MaintenanceSchema, ToggleMaintenanceIn
from flagstaff.rbac.permissions import Permission

router = APIRouter(
    route_class=TransactionalRoute,
    tags=["Maintenance"],
    dependencies=[Depends(require(Permission.UPDATE_MAINTENANCE_MODE))],
)

PATH = "/api/admin/maintenance"


@router.get(PATH, operation_id="getMaintenance", responses=answers(MaintenanceSchema))
async def get_maintenance(context: ContextDep) -> dict[str, bool]:
    cache = instance_settings(context)
    return {"enabled": cache.maintenance_enabled(await cache.current())}


@router.post(PATH, operation_id="toggleMaintenance", status_code=204)
def toggle_maintenance(body: ToggleMaintenanceIn, actor: ActorDep, db: SessionDep) -> Response:
    """Every process follows within a revision poll; this one at once (the commit bumps it)."""
    InstanceSettingsService(db).set_maintenance(actor, body.enabled)
    return Response(status_code=204)
