"""Instance configuration the UI and admins read and change (/api/admin/ui-config)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request, Response

from flagstaff import __version__
from flagstaff.config import first_invalid
from flagstaff.core.errors import BadDataError
from flagstaff.core.routing import TransactionalRoute
from flagstaff.core.schemas import answers
from flagstaff.http.deps import ActorDep, AnyAccountDep, ContextDep, SessionDep, require
from flagstaff.instance.schemas import SetCorsIn, UiConfigSchema
from flagstaff.instance.service import InstanceSettingsService
from flagstaff.instance.state import instance_settings
from flagstaff.rbac.permissions import Permission

router = APIRouter(route_class=TransactionalRoute, tags=["Admin UI"])

BASE = "/api/admin/ui-config"
# Experimental switches the Unleash UI reads; each says what this server does (no PAT kill
# switch, no message banner), so the UI hides what is not there. ``maintenanceMode`` here is
# Unleash's switch that forces maintenance from the environment (not offered); the admin's
# setting is the top-level ``maintenanceMode``.
UI_FLAGS: dict[str, Any] = {
    "maintenanceMode": False,
    "personalAccessTokensKillSwitch": False,
    "anonymiseEventLog": False,
    "enableLicense": False,
    "demo": False,
    "disableMetrics": False,
    "messageBanner": {"name": "disabled", "enabled": False, "feature_enabled": False},
}


@router.get(BASE, operation_id="getUiConfig", responses=answers(UiConfigSchema))
async def get_ui_config(request: Request, _: AnyAccountDep, context: ContextDep) -> dict[str, Any]:
    """What the Unleash Admin UI needs to set itself up. Read from memory (the settings
    snapshot of the current revision), so every page load costs no query."""
    cache = instance_settings(context)
    snapshot = await cache.current()
    base_url = str(request.base_url).rstrip("/")
    return {
        "name": "Flagstaff",
        "slogan": "Feature flags that speak Unleash.",
        "version": __version__,
        "versionInfo": {
            "current": {"oss": __version__, "enterprise": ""},
            "latest": {},
            "isLatest": True,
        },
        "environment": "Open Source",
        "authenticationType": "open-source",
        "baseUriPath": "",
        "unleashUrl": base_url,
        "frontendApiOrigins": list(cache.frontend_api_origins(snapshot)),
        "flags": UI_FLAGS,
        "links": [
            {
                "value": "API documentation",
                "icon": "library_books",
                "href": f"{base_url}/docs",
                "title": "This server's OpenAPI document",
            }
        ],
        "emailEnabled": False,
        "disablePasswordAuth": False,
        "maintenanceMode": cache.maintenance_enabled(snapshot),
        "prometheusAPIAvailable": False,
    }


@router.post(
    BASE + "/cors",
    operation_id="setCors",
    status_code=204,
    dependencies=[Depends(require(Permission.UPDATE_CORS))],
)
def set_cors(body: SetCorsIn, actor: ActorDep, db: SessionDep) -> Response:
    """Which origins browsers may call the Frontend API from; every process follows within a
    revision poll."""
    invalid = first_invalid(body.frontend_api_origins)
    if invalid is not None:
        raise BadDataError(f"Invalid origin: {invalid}")
    InstanceSettingsService(db).set_frontend_api_origins(actor, body.frontend_api_origins)
    return Response(status_code=204)
