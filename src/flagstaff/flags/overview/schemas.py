"""Wire formats of a project's overview, health report, flag creators and status."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from flagstaff.core.schemas import WireModel


class ProjectStatsSchema(WireModel):
    """A project's activity in the last 30 days and the 30 before (Unleash's
    projectStatsSchema)."""

    avg_time_to_prod_current_window: float = Field(
        description="Average days from a flag's creation to its first enabling in production"
    )
    created_current_window: int
    created_past_window: int
    archived_current_window: int
    archived_past_window: int
    project_activity_current_window: int
    project_activity_past_window: int
    project_members_added_current_window: int


class FeatureNamingSchema(WireModel):
    """A naming pattern flags must follow; Flagstaff sets none (all null)."""

    pattern: str | None
    example: str | None
    description: str | None


class ProjectEnvironmentSchema(WireModel):
    """An environment the project uses (Unleash's projectEnvironmentSchema)."""

    environment: str
    default_strategy: dict[str, Any] | None = Field(
        None, description="The strategy new flags get there; absent when none is set"
    )


class FeatureTypeCountSchema(WireModel):
    """How many of the project's active flags have a type."""

    type: str
    count: int


class OnboardingStatusSchema(WireModel):
    """How far the project is in Unleash's onboarding steps."""

    status: str = Field(
        description="onboarding-started, first-flag-created, sdk-connected or onboarded"
    )
    feature: str | None = Field(
        None, description="With first-flag-created: the project's first flag"
    )


class ProjectCommonSchema(WireModel):
    """What the overview and the health report both say of a project."""

    name: str
    description: str | None
    mode: str
    feature_limit: int | None
    feature_naming: FeatureNamingSchema
    default_stickiness: str
    favorite: bool
    updated_at: str | None
    created_at: str
    stats: ProjectStatsSchema
    health: int = Field(description="The share of active flags that are neither stale nor due")
    technical_debt: int = Field(description="100 minus the health")
    environments: list[ProjectEnvironmentSchema]
    members: int
    version: int


class ProjectOverviewSchema(ProjectCommonSchema):
    """A project at a glance (Unleash's projectOverviewSchema)."""

    link_templates: list[dict[str, Any]] = Field(description="Always empty in Flagstaff")
    archived_at: str | None
    onboarding_status: OnboardingStatusSchema
    feature_type_counts: list[FeatureTypeCountSchema]


class HealthReportSchema(ProjectCommonSchema):
    """A project's health and its active flags (Unleash's healthReportSchema)."""

    features: list[dict[str, Any]] = Field(description="The active flags, as flag lists show them")
    potentially_stale_count: int
    active_count: int
    stale_count: int


class ProjectFlagCreatorSchema(WireModel):
    """Someone who created one of the project's active flags."""

    id: int
    name: str


class ProjectResourcesSchema(WireModel):
    """What the project holds."""

    members: int
    api_tokens: int
    segments: int


class ActivityCountSchema(WireModel):
    """The project's events on one UTC day."""

    date: str = Field(description="The day, as YYYY-MM-DD")
    count: int


class CurrentValueSchema(WireModel):
    """A figure as it is now."""

    current: int


class LifecycleStageSchema(WireModel):
    """Flags in a lifecycle stage."""

    average_days: float | None = Field(
        description="Average days flags stayed in the stage; null while none has left it"
    )
    current_flags: int


class ArchivedStageSchema(WireModel):
    """Archived flags."""

    current_flags: int
    last30_days: int


class LifecycleSummarySchema(WireModel):
    """Active flags by lifecycle stage, and archived ones."""

    initial: LifecycleStageSchema
    pre_live: LifecycleStageSchema
    live: LifecycleStageSchema
    completed: LifecycleStageSchema
    archived: ArchivedStageSchema


class StaleFlagsSchema(WireModel):
    """Stale and potentially stale flags."""

    total: int


class ProjectStatusSchema(WireModel):
    """A project's resources, activity and health (Unleash's projectStatusSchema)."""

    resources: ProjectResourcesSchema
    activity_count_by_date: list[ActivityCountSchema]
    health: CurrentValueSchema
    technical_debt: CurrentValueSchema
    lifecycle_summary: LifecycleSummarySchema
    stale_flags: StaleFlagsSchema
