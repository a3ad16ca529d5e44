"""Refusing writes while maintenance mode is on.

As Unleash's maintenance middleware: after the caller is authenticated (a stranger still gets
401), before permissions and body validation, writes to the Admin API are answered 503 with
Flagstaff's own message (``MESSAGE``); reads, the Client and Frontend APIs (not routed
through here), logging in and out, and switching maintenance off go through. Two deliberate
differences: PATCH is a write here too (Unleash lets it through, so a JSON-patch could still
change a flag), and only ``/api/admin/maintenance`` itself is exempt (Unleash exempts every path
containing "/maintenance", such as a flag of that name). The pages' forms are refused as well:
they write through the same services the Admin API does.

The check reads the per-revision settings snapshot in memory; a process learns of the switch at
its next revision poll."""

from __future__ import annotations

from fastapi import Request

from flagstaff.core.context import ProcessContext
from flagstaff.core.errors import MaintenanceModeError
from flagstaff.instance.state import instance_settings
from flagstaff.rbac.principal import Principal

MESSAGE = "Flagstaff is in maintenance mode: changes are refused until an admin switches it off."
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
ADMIN_API = "/api/admin/"
TOGGLE_PATH = "/api/admin/maintenance"
# Not pages: the SDK-facing APIs (Client, Frontend, Edge) and authentication stay writable.
NOT_PAGES = ("/api/", "/edge/", "/auth/")
# Pages that stay writable: signing out (logging in is on the public router).
OPEN_PAGES = frozenset({"/sign-out"})


def is_guarded(path: str) -> bool:
    if path.startswith(ADMIN_API):
        return path.rstrip("/") != TOGGLE_PATH
    return not path.startswith(NOT_PAGES) and path not in OPEN_PAGES


async def refuse_writes_in_maintenance(request: Request, principal: Principal) -> None:
    """Called by ``http.deps.resolve_principal`` once the caller is known: a separate FastAPI
    dependency on every route cost about 35 us per request, reads included."""
    if request.method not in WRITE_METHODS or not is_guarded(request.scope["path"]):
        return
    if principal.api_scope is not None and principal.api_scope.type != "admin":
        return  # an SDK token: the route refuses it as the wrong kind (403), as Unleash does
    context: ProcessContext = request.app.state.context
    cache = instance_settings(context)
    if cache.maintenance_enabled(await cache.current()):
        raise MaintenanceModeError(MESSAGE)
