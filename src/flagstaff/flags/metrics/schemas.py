"""Wire formats of a flag's usage as SDKs reported it (/api/admin/client-metrics)."""

from __future__ import annotations

from pydantic import Field

from flagstaff.core.schemas import WireModel


class FeatureEnvironmentMetricsSchema(WireModel):
    """A flag's evaluations in one environment over one hour (Unleash's
    featureEnvironmentMetricsSchema)."""

    feature_name: str | None = Field(None, description="Sent in the raw hourly counts only")
    app_name: str | None = Field(None, description="Sent in the raw hourly counts only")
    environment: str
    timestamp: str = Field(description="The start of the hour")
    yes: int = Field(description="Evaluations that found the flag enabled")
    no: int = Field(description="Evaluations that found the flag disabled")
    variants: dict[str, int] | None = Field(
        None, description="Evaluations per variant name; absent when no variant was counted"
    )


class FeatureMetricsSchema(WireModel):
    """A flag's hourly counts of the last 48 hours (Unleash's featureMetricsSchema)."""

    version: int
    maturity: str
    data: list[FeatureEnvironmentMetricsSchema]


class FeatureUsageSchema(WireModel):
    """A flag's evaluations in the current hour and the applications that evaluated it
    (Unleash's featureUsageSchema)."""

    version: int
    maturity: str
    feature_name: str
    last_hour_usage: list[FeatureEnvironmentMetricsSchema]
    seen_applications: list[str] = Field(description="Applications seen in the last 48 hours")
