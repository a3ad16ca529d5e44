"""Wire format of /api/admin/instance-admin/statistics (Unleash's instanceAdminStatsSchema)."""

from __future__ import annotations

from pydantic import Field

from flagstaff.core.schemas import WireModel


class ActiveUsersOut(WireModel):
    """Accounts seen, by login or token use, in the last 7, 30, 60 and 90 days."""

    last7: int
    last30: int
    last60: int
    last90: int


class ProductionChangesOut(WireModel):
    """Events in production environments in the last 30, 60 and 90 days."""

    last30: int
    last60: int
    last90: int


class MetricsBucketsOut(WireModel):
    """Hourly metric rows stored for the previous UTC day."""

    enabled_count: int
    variant_count: int


class ClientAppsOut(WireModel):
    """How many applications were seen in a period (``7d``, ``30d`` or ``allTime``)."""

    range: str
    count: int


class InstanceAdminStatsSchema(WireModel):
    """Figures about this instance, for its admins (Unleash's instanceAdminStatsSchema)."""

    timestamp: str
    instance_id: str
    # Explicit aliases where Unleash's spelling is not plain camelCase.
    version_oss: str = Field(alias="versionOSS")
    version_enterprise: str
    users: int
    service_accounts: int
    api_tokens: dict[str, int] = Field(
        description="API tokens by type; only the types that have any"
    )
    active_users: ActiveUsersOut
    licensed_users: int
    feature_toggles: int
    archived_feature_toggles: int
    projects: int
    context_fields: int
    roles: int
    custom_root_roles: int
    custom_root_roles_in_use: int
    groups: int
    environments: int
    segments: int
    strategies: int
    saml_enabled: bool = Field(alias="SAMLenabled")
    oidc_enabled: bool = Field(alias="OIDCenabled")
    password_auth_enabled: bool
    scim_enabled: bool = Field(alias="SCIMenabled")
    client_apps: list[ClientAppsOut]
    feature_exports: int
    feature_imports: int
    production_changes: ProductionChangesOut
    previous_day_metrics_buckets_count: MetricsBucketsOut
    max_environment_strategies: int
    max_constraint_values: int
    max_constraints: int
    release_templates: int
    release_plans: int
    edge_instance_usage: dict[str, float] = Field(
        description="Edge instances per month (YYYY-MM) over the last twelve months",
    )
    read_only_users: int
    sum: str = Field(description="A SHA-256 checksum over the main figures, as Unleash signs them")
