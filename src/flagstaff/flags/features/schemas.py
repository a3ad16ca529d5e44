"""What clients send about flags, their dependencies, links and lifecycle, and what they get."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, StrictBool, StrictStr

from flagstaff.core.schemas import (
    URL_FRIENDLY_NAME,
    InputModel,
    LongText,
    Name,
    WireModel,
    stated,
)
from flagstaff.flags.schemas import FeatureNames
from flagstaff.flags.strategies.schemas import FeatureStrategySchema, VariantIn, VariantSchema
from flagstaff.flags.tags.schemas import TagIn

MAX_FEATURE_NAME = 100  # as Unleash


# As check_feature_name enforces it on every new name, stated for the document.
FeatureName = Annotated[Name, stated(maxLength=MAX_FEATURE_NAME), URL_FRIENDLY_NAME]


class CreateFeatureIn(InputModel):
    name: FeatureName
    type: StrictStr | None = None
    description: LongText | None = None
    impression_data: StrictBool | None = None
    tags: list[TagIn] | None = None


class UpdateFeatureIn(InputModel):
    description: LongText | None = None
    type: StrictStr | None = None
    stale: StrictBool | None = None
    archived: StrictBool | None = None
    impression_data: StrictBool | None = None


class PushVariantsIn(InputModel):
    variants: list[VariantIn]
    environments: list[Name] | None = None


class DependencyIn(InputModel):
    feature: Name
    enabled: StrictBool | None = None
    variants: list[Name] | None = None


class ValidateFeatureIn(InputModel):
    name: FeatureName


class CloneFeatureIn(InputModel):
    name: FeatureName
    replace_group_id: StrictBool | None = None


class BatchFeaturesIn(InputModel):
    """Unleash's batchFeaturesSchema: archive, revive and delete several flags."""

    features: FeatureNames


class BatchStaleIn(InputModel):
    features: FeatureNames
    stale: StrictBool


class LinkIn(InputModel):
    """Unleash's linkSchema. The service checks the address itself (http(s), a host)."""

    url: Annotated[StrictStr, Field(max_length=1_000)]
    title: Annotated[StrictStr, Field(max_length=255)] | None = None


class LifecycleCompletedIn(InputModel):
    """Unleash's featureLifecycleCompletedSchema."""

    status: Literal["kept", "discarded"]
    status_value: Name | None = None


class CreatedFeatureSchema(WireModel):
    """A flag's own fields: what creating or cloning one answers."""

    name: str
    description: str | None
    type: str
    project: str
    stale: bool
    created_at: str
    impression_data: bool
    archived: bool


class FeatureCreatorSchema(WireModel):
    """Who created a flag."""

    id: int
    name: str = Field(description="Empty for a system actor, an admin token or a deleted account")
    image_url: str


class FeatureDependencySchema(WireModel):
    """A parent the flag depends on."""

    feature: str
    enabled: bool
    variants: list[str]


class FeatureLinkSchema(WireModel):
    """A link shown with a flag."""

    id: str
    url: str
    title: str | None
    feature: str


class LifecycleStageSchema(WireModel):
    """A lifecycle stage a flag entered, and when."""

    stage: Literal["initial", "pre-live", "live", "completed", "archived"]
    status: str | None = Field(default=None, description="Only on the completed stage")
    entered_stage_at: str


class FeatureEnvironmentSchema(WireModel):
    """A flag in one environment: on or off, its variants and strategies."""

    name: str = Field(description="The flag's name")
    feature_name: str
    environment: str
    enabled: bool
    variants: list[VariantSchema]
    strategies: list[FeatureStrategySchema]


class FeatureEnvironmentDetailsSchema(WireModel):
    """One environment of a flag, as the flag's own page shows it."""

    name: str = Field(description="The environment's name")
    feature_name: str
    environment: str
    type: str
    sort_order: int
    enabled: bool
    last_seen_at: str | None
    variants: list[VariantSchema]
    strategies: list[FeatureStrategySchema]
    yes: int
    no: int


class FeatureSchema(CreatedFeatureSchema):
    """A flag with every environment, its dependencies, links and current lifecycle stage."""

    created_by: FeatureCreatorSchema | None
    archived_at: str | None
    environments: list[FeatureEnvironmentDetailsSchema]
    dependencies: list[FeatureDependencySchema]
    children: list[str]
    links: list[FeatureLinkSchema]
    favorite: bool = Field(description="Whether the caller marked it (never, for an API token)")
    lifecycle: LifecycleStageSchema | None = None


class ProjectFeatureEnvironmentSchema(WireModel):
    """A summary of a flag in one environment."""

    name: str
    enabled: bool
    type: str
    sort_order: int
    variant_count: int
    last_seen_at: str | None
    has_strategies: bool
    has_enabled_strategies: bool


class ProjectFeatureSchema(WireModel):
    """A flag in a project's list."""

    name: str
    type: str
    description: str | None
    favorite: bool
    stale: bool
    impression_data: bool
    created_at: str
    environments: list[ProjectFeatureEnvironmentSchema]


class ProjectFeaturesSchema(WireModel):
    """A project's flags."""

    version: int
    features: list[ProjectFeatureSchema]


class ArchivedFeatureSchema(ProjectFeatureSchema):
    """An archived flag, with its project and when it was archived."""

    project: str
    archived_at: str | None


class ArchivedFeaturesSchema(WireModel):
    """Archived flags."""

    version: int
    features: list[ArchivedFeatureSchema]


class FeatureTypeSchema(WireModel):
    """A kind of flag and how long such flags are expected to live."""

    id: str
    name: str
    description: str
    lifetime_days: int | None = Field(description="null: such flags are never potentially stale")


class FeatureTypesSchema(WireModel):
    """The kinds of flag."""

    version: int
    types: list[FeatureTypeSchema]


class FeatureLifecycleCountSchema(WireModel):
    """How many flags are at each lifecycle stage."""

    initial: int
    pre_live: int
    live: int
    completed: int
    archived: int


class ValidateArchiveFeaturesSchema(WireModel):
    """What archiving the flags would do to their dependencies."""

    has_deleted_dependencies: bool = Field(
        description="Whether any of the flags depends on another or is depended on"
    )
    parents_with_child_features: list[str] = Field(
        description="Flags that would leave children behind (archiving refuses them)"
    )
