"""Wire formats of /api/admin/ui-config."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, StringConstraints

from flagstaff.config import MAX_ORIGIN_LENGTH, MAX_ORIGINS
from flagstaff.core.schemas import InputModel

Origin = Annotated[str, StringConstraints(strict=True, max_length=MAX_ORIGIN_LENGTH)]


class SetCorsIn(InputModel):
    """Unleash's setCorsSchema. Unleash answers a body without the list with 404; a missing
    required field is a 400 everywhere else in this API, so it is one here too."""

    frontend_api_origins: Annotated[list[Origin], Field(max_length=MAX_ORIGINS)]
