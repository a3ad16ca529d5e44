"""Wire formats of /api/admin/maintenance."""

from __future__ import annotations

from flagstaff.core.schemas import InputModel, WireModel


class ToggleMaintenanceIn(InputModel):
    """Unleash's toggleMaintenanceSchema: a JSON boolean, nothing else ("true", 1 are 400)."""

    enabled: bool


class MaintenanceSchema(WireModel):
    """Whether maintenance mode is on (Unleash's maintenanceSchema)."""

    enabled: bool
