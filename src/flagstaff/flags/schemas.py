"""Request bodies of the flag endpoints, typed strictly as Unleash's OpenAPI schemas are.

Shapes are checked here (a number where a string belongs is a 400); meaning (operators,
semantic versions, weights) is checked by the services, which also serve other callers.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field, StrictBool, StrictInt, StrictStr

from flagstaff.core.schemas import InputModel, LongText, Name

MAX_LIST = 10_000
Text = Annotated[StrictStr, Field(max_length=10_000)]
Id = Annotated[StrictInt, Field(ge=0, le=2_147_483_647)]


class CreateProjectIn(InputModel):
    id: Annotated[StrictStr, Field(max_length=100)] | None = None
    name: Name
    description: LongText | None = None
    mode: StrictStr | None = None
    default_stickiness: Name | None = None
    feature_limit: Annotated[StrictInt, Field(ge=0)] | None = None
    environments: list[Name] | None = None


class UpdateProjectIn(InputModel):
    name: Name
    description: LongText | None = None
    mode: StrictStr | None = None
    default_stickiness: Name | None = None
    feature_limit: Annotated[StrictInt, Field(ge=0)] | None = None


class ProjectEnvironmentIn(InputModel):
    environment: Name
    change_requests_enabled: StrictBool | None = None


class AccountRef(InputModel):
    id: Id


class AddAccessIn(InputModel):
    roles: list[Id]
    users: list[Id | AccountRef] = []
    groups: list[Id | AccountRef] = []


class SetRolesIn(InputModel):
    roles: list[Id]


class TagIn(InputModel):
    type: Name
    value: Name


class CreateFeatureIn(InputModel):
    name: Name
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


class PatchOperationIn(InputModel):
    op: StrictStr
    path: StrictStr
    from_: StrictStr | None = Field(default=None, alias="from")
    value: Any = None

    def as_operation(self) -> dict[str, Any]:
        return self.model_dump(by_alias=True, exclude_unset=True)


class ConstraintIn(InputModel):
    context_name: Name
    operator: StrictStr
    values: Annotated[list[StrictStr], Field(max_length=MAX_LIST)] | None = None
    value: Text | None = None
    inverted: StrictBool | None = None
    case_insensitive: StrictBool | None = None


class PayloadIn(InputModel):
    type: StrictStr
    value: Text


class OverrideIn(InputModel):
    context_name: Name
    values: list[StrictStr]


class VariantIn(InputModel):
    name: Name
    weight: StrictInt
    weight_type: StrictStr | None = None
    stickiness: Name | None = None
    payload: PayloadIn | None = None
    overrides: list[OverrideIn] | None = None


class StrategyIn(InputModel):
    name: Name
    title: Name | None = None
    disabled: StrictBool | None = None
    sort_order: StrictInt | None = None
    constraints: list[ConstraintIn] = []
    variants: list[VariantIn] = []
    parameters: dict[StrictStr, Text] = {}
    segments: list[Id] = []


class SortOrderIn(InputModel):
    id: Name
    sort_order: StrictInt


class PushVariantsIn(InputModel):
    variants: list[VariantIn]
    environments: list[Name] | None = None


class SegmentIn(InputModel):
    name: Name
    description: LongText | None = None
    project: Name | None = None
    constraints: list[ConstraintIn]


class ValidateSegmentIn(InputModel):
    name: Name


class DependencyIn(InputModel):
    feature: Name
    enabled: StrictBool | None = None
    variants: list[Name] | None = None


class DefinitionParameterIn(InputModel):
    name: Name
    type: StrictStr
    description: LongText | None = None
    required: StrictBool | None = None


class DefinitionIn(InputModel):
    name: Name
    title: Name | None = None
    description: LongText | None = None
    parameters: list[DefinitionParameterIn]


class UpdateDefinitionIn(InputModel):
    name: Name | None = None
    title: Name | None = None
    description: LongText | None = None
    parameters: list[DefinitionParameterIn]


class UpdateTagsIn(InputModel):
    added_tags: list[TagIn] = []
    removed_tags: list[TagIn] = []


class TagTypeIn(InputModel):
    name: Name
    description: LongText | None = None
    icon: Name | None = None


class ValidateFeatureIn(InputModel):
    name: Name


MAX_BULK = 1_000
FeatureNames = Annotated[list[Name], Field(max_length=MAX_BULK)]


class StrategySegmentsIn(InputModel):
    project_id: Annotated[StrictStr, Field(max_length=100)]
    environment_id: Annotated[StrictStr, Field(max_length=100)]
    strategy_id: Annotated[StrictStr, Field(max_length=100)]
    segment_ids: Annotated[list[Id], Field(max_length=MAX_BULK)]


class CloneFeatureIn(InputModel):
    name: Name
    replace_group_id: StrictBool | None = None


class BulkToggleIn(InputModel):
    features: FeatureNames


class BatchFeaturesIn(InputModel):
    """Unleash's batchFeaturesSchema: archive, revive and delete several flags."""

    features: FeatureNames


class BatchStaleIn(InputModel):
    features: FeatureNames
    stale: StrictBool


def dumped(items: list[Any]) -> list[dict[str, Any]]:
    """Models back into Unleash's JSON keys, without the keys that were not sent."""
    return [item.model_dump(by_alias=True, exclude_none=True) for item in items]


class LinkIn(InputModel):
    """Unleash's linkSchema. The service checks the address itself (http(s), a host)."""

    url: Annotated[StrictStr, Field(max_length=1_000)]
    title: Annotated[StrictStr, Field(max_length=255)] | None = None


class LifecycleCompletedIn(InputModel):
    """Unleash's featureLifecycleCompletedSchema."""

    status: Literal["kept", "discarded"]
    status_value: Name | None = None
