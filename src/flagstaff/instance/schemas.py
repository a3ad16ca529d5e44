"""Wire formats of /api/admin/ui-config."""

from __future__ import annotations

from typing import Annotated

from pydantic import ConfigDict, Field, StringConstraints

from flagstaff.config import MAX_ORIGIN_LENGTH, MAX_ORIGINS
from flagstaff.core.schemas import InputModel, WireModel

Origin = Annotated[str, StringConstraints(strict=True, max_length=MAX_ORIGIN_LENGTH)]


class SetCorsIn(InputModel):
    """Unleash's setCorsSchema. Unleash answers a body without the list with 404; a missing
    required field is a 400 everywhere else in this API, so it is one here too."""

    frontend_api_origins: Annotated[list[Origin], Field(max_length=MAX_ORIGINS)]


class VersionNumbersOut(WireModel):
    """Version numbers of the open-source and enterprise editions; empty when unknown."""

    oss: str | None = None
    enterprise: str | None = None


class VersionInfoOut(WireModel):
    """This server's version, and the latest one known (Unleash's versionSchema)."""

    current: VersionNumbersOut
    latest: VersionNumbersOut
    is_latest: bool


class UiFlagVariantOut(WireModel):
    """A UI switch that carries a variant (Unleash's variantFlagSchema)."""

    model_config = ConfigDict(alias_generator=None)

    name: str
    enabled: bool
    feature_enabled: bool


class UiLinkOut(WireModel):
    """A link the UI shows in its menu."""

    value: str
    icon: str
    href: str
    title: str


class UiConfigSchema(WireModel):
    """What the Unleash Admin UI needs to set itself up (Unleash's uiConfigSchema)."""

    name: str
    slogan: str
    version: str
    version_info: VersionInfoOut
    environment: str
    authentication_type: str
    base_uri_path: str
    unleash_url: str
    frontend_api_origins: list[str]
    flags: dict[str, bool | UiFlagVariantOut] = Field(
        description="Switches that tell the UI what this server offers"
    )
    links: list[UiLinkOut]
    email_enabled: bool
    disable_password_auth: bool
    maintenance_mode: bool
    prometheus_api_available: bool = Field(alias="prometheusAPIAvailable")
