"""Wire formats: Unleash's createApiTokenSchema, createProjectApiTokenSchema,
updateApiTokenSchema and apiTokenSchema."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import Field, StringConstraints, field_validator, model_validator

from flagstaff.core.db import ID_LENGTH
from flagstaff.core.schemas import InputModel, RequiredName, WireModel, iso, parse_datetime
from flagstaff.credentials.api_tokens.models import ApiToken

SDK_TYPES = r"^(?i:client|backend|frontend)$"
ANY_TYPE = r"^(?i:client|backend|frontend|admin)$"
DEFAULT_ENVIRONMENT = "development"

ScopeName = Annotated[str, StringConstraints(strict=True, min_length=1, max_length=ID_LENGTH)]


class _TokenIn(InputModel):
    token_name: RequiredName
    environment: ScopeName | None = None
    expires_at: datetime | None = None

    @field_validator("expires_at", mode="before")
    @classmethod
    def _parse_expiry(cls, value: Any) -> datetime | None:
        return None if value is None else parse_datetime(value, "expiresAt")


class CreateApiTokenIn(_TokenIn):
    type: Annotated[str, StringConstraints(strict=True, pattern=ANY_TYPE)]
    project: ScopeName | None = None
    projects: Annotated[list[ScopeName], Field(min_length=1, max_length=1000)] | None = None

    @model_validator(mode="after")
    def _one_project_field(self) -> CreateApiTokenIn:
        both = self.project is not None and self.projects is not None
        if both and [self.project] != self.projects:
            raise ValueError("give either `project` or `projects`, not both")
        return self

    def scope_projects(self) -> list[str]:
        if self.projects is not None:
            return self.projects
        return [self.project] if self.project is not None else ["*"]

    def scope_environment(self) -> str:
        if self.environment is not None:
            return self.environment
        return "*" if self.type.lower() == "admin" else DEFAULT_ENVIRONMENT


class CreateProjectApiTokenIn(_TokenIn):
    type: Annotated[str, StringConstraints(strict=True, pattern=SDK_TYPES)]

    def scope_environment(self) -> str:
        return self.environment if self.environment is not None else DEFAULT_ENVIRONMENT


class UpdateApiTokenIn(InputModel):
    expires_at: datetime

    @field_validator("expires_at", mode="before")
    @classmethod
    def _parse_expiry(cls, value: Any) -> datetime:
        return parse_datetime(value, "expiresAt")


class ApiTokenOut(WireModel):
    """Unleash's apiTokenSchema (what ``api_token_out`` sends), with Flagstaff's createdBy and
    createdByUserId."""

    secret: str
    token_name: str
    type: str
    environment: str
    project: str
    projects: list[str]
    expires_at: str | None
    created_at: str
    seen_at: str | None
    alias: str | None
    secure: bool
    created_by: str | None
    created_by_user_id: int | None


class ApiTokensOut(WireModel):
    tokens: list[ApiTokenOut]


def api_token_out(token: ApiToken, *, secret: str | None = None) -> dict[str, Any]:
    """``secret`` is the token itself only in the create response; lists carry the token's
    selector there (marked ``secure``), as Unleash's hashed storage does."""
    projects = token.projects
    return {
        "secret": secret if secret is not None else token.selector,
        "tokenName": token.name,
        "type": token.type,
        "environment": token.environment_name,
        "project": ",".join(projects),
        "projects": projects,
        "expiresAt": iso(token.expires_at),
        "createdAt": iso(token.created_at),
        "seenAt": iso(token.seen_at),
        "alias": None,
        "secure": True,
        # Flagstaff: who created the token (as the event log names them, kept as it was then),
        # and their audit id (an account's id; -42 for an admin token, -1337 for the system).
        "createdBy": token.created_by,
        "createdByUserId": token.created_by_user_id,
    }
