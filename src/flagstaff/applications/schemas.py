"""Wire formats of /api/admin/metrics/applications."""

from __future__ import annotations

from typing import Annotated, Literal
from urllib.parse import urlsplit

from pydantic import Field, StringConstraints, field_validator

from flagstaff.core.schemas import InputModel, LongText, WireModel

MAX_URL = 1000
Url = Annotated[str, StringConstraints(strict=True, max_length=MAX_URL)]
Color = Annotated[str, StringConstraints(strict=True, max_length=50)]
Icon = Annotated[str, StringConstraints(strict=True, max_length=255)]
SortBy = Literal["appName", "createdAt", "updatedAt"]
SortOrder = Literal["asc", "desc"]


class ApplicationIn(InputModel):
    """Unleash's createApplicationSchema (plus ``description``, which its UI sends). Fields left
    out keep their value; ``strategies`` is what SDKs report, so it is ignored here."""

    description: LongText | None = None
    url: Url | None = None
    color: Color | None = None
    icon: Icon | None = None

    @field_validator("url")
    @classmethod
    def _web_link(cls, value: str | None) -> str | None:
        # Shown as a link in the UI: a ``javascript:`` URL there would run in an admin's page.
        if value and urlsplit(value).scheme.lower() not in ("http", "https"):
            raise ValueError("must be an http:// or https:// URL, or empty")
        return value


class ApplicationUsageSchema(WireModel):
    """A project whose flags the application evaluated, and in which environments."""

    project: str
    environments: list[str]


class ApplicationFields(WireModel):
    """What is said about an application, by its SDKs or by an admin."""

    app_name: str
    description: str | None
    url: str | None
    color: str | None
    icon: str | None
    created_by: str | None
    created_at: str
    updated_at: str | None


class ApplicationSchema(ApplicationFields):
    """An application in a list (Unleash's applicationSchema)."""

    strategies: list[str] = Field(description="The strategies its SDKs said they support")
    usage: list[ApplicationUsageSchema]


class ApplicationsSchema(WireModel):
    """A page of applications (Unleash's applicationsSchema)."""

    applications: list[ApplicationSchema]
    total: int = Field(description="How many applications match, in all pages")


class ApplicationStrategyOut(WireModel):
    """A strategy the application's SDKs support; ``notFound`` when none is defined by that
    name here."""

    name: str
    display_name: str | None = None
    not_found: bool | None = None


class ApplicationInstanceOut(WireModel):
    """One running SDK instance of the application."""

    app_name: str
    instance_id: str
    environment: str
    sdk_version: str | None
    last_seen: str
    created_at: str


class SeenFlagOut(WireModel):
    """A flag the application evaluated; ``notFound`` when no such flag exists."""

    name: str
    project: str | None = None
    type: str | None = None
    stale: bool | None = None
    not_found: bool | None = None


class ApplicationLinksOut(WireModel):
    """Where the application's own resource is."""

    self: str


class ApplicationDetailsOut(ApplicationFields):
    """One application with its instances and the flags it evaluated."""

    strategies: list[ApplicationStrategyOut]
    instances: list[ApplicationInstanceOut]
    seen_toggles: list[SeenFlagOut]
    links: ApplicationLinksOut


class ApplicationEnvironmentIssuesSchema(WireModel):
    """What is wrong in one environment."""

    missing_features: list[str] = Field(description="Flags evaluated that do not exist")
    outdated_sdks: list[str] = Field(description="SDK versions older than Unleash advises")


class ApplicationOverviewEnvironmentSchema(WireModel):
    """The application in one environment (Unleash's applicationOverviewEnvironmentSchema)."""

    name: str
    instance_count: int
    sdks: list[str]
    frontend_sdks: list[str]
    backend_sdks: list[str]
    last_seen: str | None = Field(description="When an instance was last seen; null if none")
    issues: ApplicationEnvironmentIssuesSchema


class ApplicationOverviewIssuesSchema(WireModel):
    """What is wrong across environments."""

    missing_strategies: list[str] = Field(description="Strategies used that are not defined")


class ApplicationOverviewSchema(WireModel):
    """Projects, environments, instances, SDKs and problems of one application (Unleash's
    applicationOverviewSchema)."""

    projects: list[str]
    feature_count: int
    environments: list[ApplicationOverviewEnvironmentSchema]
    issues: ApplicationOverviewIssuesSchema
