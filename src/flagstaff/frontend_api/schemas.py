"""Wire format of the Frontend API's answer (Unleash's frontendApiFeaturesSchema), for the
OpenAPI document only: the body is built as bytes per request."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from flagstaff.core.schemas import WireModel


class FrontendApiPayloadSchema(WireModel):
    """The chosen variant's payload: its kind, and the value as text."""

    type: Literal["json", "csv", "string", "number"]
    value: str


class FrontendApiVariantSchema(WireModel):
    """The variant the context gets; ``disabled`` when the flag has none for it."""

    name: str
    enabled: bool
    payload: FrontendApiPayloadSchema | None = Field(None, description="Sent when it has one")
    feature_enabled: bool = Field(alias="feature_enabled")
    feature_enabled_camel: bool = Field(
        alias="featureEnabled", deprecated=True, description="The same as feature_enabled"
    )


class FrontendApiFeatureSchema(WireModel):
    """Unleash's frontendApiFeatureSchema: a flag enabled for the context."""

    name: str
    enabled: bool
    variant: FrontendApiVariantSchema
    impression_data: bool


class FrontendApiFeaturesSchema(WireModel):
    """Unleash's frontendApiFeaturesSchema: the token's flags enabled for the context."""

    toggles: list[FrontendApiFeatureSchema]
