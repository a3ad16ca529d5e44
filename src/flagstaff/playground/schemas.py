"""Request bodies of the playground (Unleash's playgroundRequestSchema and
advancedPlaygroundRequestSchema). The context is checked by ``context.py``, which knows which
values Unleash accepts, coerces or drops."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field, StringConstraints

from flagstaff.core.schemas import InputModel

MAX_PROJECTS = 1_000
MAX_ENVIRONMENTS = 100
EnvironmentName = Annotated[
    str,
    StringConstraints(strict=True, min_length=1, max_length=100, pattern=r"^[a-zA-Z0-9~_.-]+$"),
]
ProjectName = Annotated[str, StringConstraints(strict=True, min_length=1, max_length=100)]
Projects = Literal["*"] | Annotated[list[ProjectName], Field(max_length=MAX_PROJECTS)]


class PlaygroundIn(InputModel):
    environment: Annotated[str, StringConstraints(strict=True, min_length=1, max_length=100)]
    projects: Projects | None = None
    context: dict[str, Any]


class AdvancedPlaygroundIn(InputModel):
    environments: Annotated[list[EnvironmentName], Field(min_length=1, max_length=MAX_ENVIRONMENTS)]
    projects: Projects | None = None
    context: dict[str, Any]
