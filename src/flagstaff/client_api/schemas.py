"""Wire formats of the Client API's answers, for the OpenAPI document only: the bodies are built
as bytes (``payload``, ``delta``) and never pass through these models. Unleash's
clientFeaturesSchema and clientFeaturesDeltaSchema, with the keys Flagstaff sends.

The constraint and variant models are the Client API's own names for what the Admin API also
shows (as stored), so that the two can change apart without one renaming the other."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from flagstaff.core.schemas import WireModel

PayloadType = Literal["json", "csv", "string", "number"]


class ClientConstraintSchema(WireModel):
    """A constraint as stored; an old SDK also gets each segment's constraints appended."""

    context_name: str
    operator: str
    values: list[str] | None = None
    value: str | None = None
    inverted: bool | None = None
    case_insensitive: bool | None = None


class ClientVariantPayloadSchema(WireModel):
    """A variant's payload: its kind, and the value as text."""

    type: PayloadType
    value: str


class ClientOverrideSchema(WireModel):
    """Context values that always get a variant."""

    context_name: str
    values: list[str]


class ClientStrategyVariantSchema(WireModel):
    """A variant of a strategy."""

    name: str
    weight: int
    weight_type: Literal["variable", "fix"] | None = None
    stickiness: str | None = None
    payload: ClientVariantPayloadSchema | None = None


class ClientVariantSchema(ClientStrategyVariantSchema):
    """A flag's variant in the environment."""

    overrides: list[ClientOverrideSchema] | None = None


class ClientStrategySchema(WireModel):
    """An enabled strategy of the flag in the token's environment (no id: old SDKs choke on
    one)."""

    name: str
    constraints: list[ClientConstraintSchema]
    parameters: dict[str, str] = Field(description="Every value as a string")
    variants: list[ClientStrategyVariantSchema]
    segments: list[int] | None = Field(
        None,
        description="Segment ids, sent to SDKs of client specification 4.2.0 or later; older "
        "ones get the segments' constraints in constraints instead",
    )


class DependentFeatureSchema(WireModel):
    """Unleash's dependentFeatureSchema: a parent flag this flag depends on."""

    feature: str
    enabled: bool
    variants: list[str] | None = Field(None, description="Sent when the parent must be enabled")


class ClientFeatureSchema(WireModel):
    """Unleash's clientFeatureSchema: a flag as an SDK evaluates it."""

    name: str
    type: str
    enabled: bool
    project: str
    stale: bool
    strategies: list[ClientStrategySchema]
    variants: list[ClientVariantSchema]
    description: str | None
    impression_data: bool
    dependencies: list[DependentFeatureSchema] | None = Field(
        None, description="Sent when the flag has parents"
    )


class ClientSegmentSchema(WireModel):
    """Unleash's clientSegmentSchema: a segment the flags name by id."""

    id: int
    name: str
    constraints: list[ClientConstraintSchema]


class ClientFeaturesQuerySchema(WireModel):
    """Unleash's clientFeaturesQuerySchema: the filters the answer was made with."""

    project: list[str] | None = Field(None, description="Sent when narrowed to some projects")
    name_prefix: str | None = None
    environment: str
    inline_segment_constraints: bool


class ClientFeaturesMetaSchema(WireModel):
    """Which state of the flags this is."""

    revision_id: int
    etag: str
    query_hash: str


class ClientFeaturesSchema(WireModel):
    """Unleash's clientFeaturesSchema: the flags of the token's projects in its environment."""

    version: int
    features: list[ClientFeatureSchema]
    query: ClientFeaturesQuerySchema
    segments: list[ClientSegmentSchema] | None = Field(
        None, description="Sent to SDKs of client specification 4.2.0 or later"
    )
    meta: ClientFeaturesMetaSchema


class HydrationEventSchema(WireModel):
    """The whole state, when the SDK's revision is not known here."""

    type: Literal["hydration"]
    event_id: int = Field(description="The revision this brings the SDK to")
    features: list[ClientFeatureSchema]
    segments: list[ClientSegmentSchema]


class FeatureUpdatedEventSchema(WireModel):
    """A flag that is new or changed."""

    type: Literal["feature-updated"]
    event_id: int
    feature: ClientFeatureSchema


class FeatureRemovedEventSchema(WireModel):
    """A flag that left the scope (archived, moved, deleted)."""

    type: Literal["feature-removed"]
    event_id: int
    feature_name: str
    project: str


class SegmentUpdatedEventSchema(WireModel):
    """A segment that is new or changed."""

    type: Literal["segment-updated"]
    event_id: int
    segment: ClientSegmentSchema


class SegmentRemovedEventSchema(WireModel):
    """A segment no flag in scope uses any longer."""

    type: Literal["segment-removed"]
    event_id: int
    segment_id: int


DeltaEventSchema = Annotated[
    HydrationEventSchema
    | FeatureUpdatedEventSchema
    | FeatureRemovedEventSchema
    | SegmentUpdatedEventSchema
    | SegmentRemovedEventSchema,
    Field(discriminator="type"),
]


class ClientFeaturesDeltaSchema(WireModel):
    """Unleash's clientFeaturesDeltaSchema: what changed since the SDK's revision."""

    events: list[DeltaEventSchema]
