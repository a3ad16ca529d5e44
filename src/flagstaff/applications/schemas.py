"""Wire formats of /api/admin/metrics/applications."""

from __future__ import annotations

from typing import Annotated, Literal
from urllib.parse import urlsplit

from pydantic import StringConstraints, field_validator

from flagstaff.core.schemas import InputModel, LongText

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
