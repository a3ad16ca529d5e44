"""What clients receive about environments (Unleash's environmentSchema and environmentsSchema),
for the OpenAPI document; ``flags.projects.views.environment_json`` builds the answer."""

from __future__ import annotations

from flagstaff.core.schemas import WireModel


class EnvironmentOut(WireModel):
    name: str
    type: str
    enabled: bool
    protected: bool
    sort_order: int
    required_approvals: int | None
    project_count: int
    enabled_toggle_count: int


class EnvironmentsOut(WireModel):
    version: int
    environments: list[EnvironmentOut]
