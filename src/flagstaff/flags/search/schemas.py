"""What the flag search answers."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from flagstaff.core.schemas import WireModel
from flagstaff.flags.features.schemas import (
    FeatureCreatorSchema,
    LifecycleStageSchema,
    ProjectFeatureEnvironmentSchema,
)
from flagstaff.flags.tags.schemas import TagOut


class FeatureSearchEnvironmentSchema(ProjectFeatureEnvironmentSchema):
    """A found flag in one environment, with its recent evaluations."""

    yes: int = Field(description="Evaluations to true in the last hour")
    no: int = Field(description="Evaluations to false in the last hour")
    change_request_ids: list[int] = Field(description="Always empty: there are no change requests")


class FeatureSearchResponseSchema(WireModel):
    """A flag the search found."""

    name: str
    description: str | None
    dependency_type: Literal["parent", "child"] | None = Field(
        description="child: it depends on another flag; parent: another depends on it"
    )
    type: str
    project: str
    stale: bool
    favorite: bool
    impression_data: bool
    created_at: str
    archived_at: str | None
    created_by: FeatureCreatorSchema
    environments: list[FeatureSearchEnvironmentSchema]
    segments: list[str] = Field(description="The names of the segments its strategies use")
    tags: list[TagOut]
    lifecycle: LifecycleStageSchema | None = None


class SearchFeaturesSchema(WireModel):
    """One page of the flags found, and how many were found in all."""

    features: list[FeatureSearchResponseSchema]
    total: int
