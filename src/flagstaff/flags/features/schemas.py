"""What clients send about flags, their dependencies, links and lifecycle."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, StrictBool, StrictStr

from flagstaff.core.schemas import URL_FRIENDLY_NAME, InputModel, LongText, Name, stated
from flagstaff.flags.schemas import FeatureNames
from flagstaff.flags.strategies.schemas import VariantIn
from flagstaff.flags.tags.schemas import TagIn

MAX_FEATURE_NAME = 100  # as Unleash


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


class PushVariantsIn(InputModel):
    variants: list[VariantIn]
    environments: list[Name] | None = None


class DependencyIn(InputModel):
    feature: Name
    enabled: StrictBool | None = None
    variants: list[Name] | None = None


class ValidateFeatureIn(InputModel):
    name: Annotated[Name, stated(maxLength=MAX_FEATURE_NAME), URL_FRIENDLY_NAME]


class CloneFeatureIn(InputModel):
    name: Name
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
