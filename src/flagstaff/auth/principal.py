"""One ``Principal`` for every kind of caller: session, personal token, service-account token
or API token. Everything past authentication sees only this."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum


class CredentialKind(StrEnum):
    SESSION = "session"
    PERSONAL_TOKEN = "personal-token"  # noqa: S105
    SERVICE_ACCOUNT_TOKEN = "service-account-token"  # noqa: S105
    API_TOKEN = "api-token"  # noqa: S105


# Unleash's audit ids for callers that are not accounts.
ADMIN_TOKEN_USER_ID = -42
SYSTEM_USER_ID = -1337
SYSTEM_USER_NAME = "unleash_system_user"


@dataclass(frozen=True, slots=True)
class Grants:
    """What a caller may do, flattened from its roles.

    ``root`` holds root (and special) permissions. ``projects`` maps a project to the project
    permissions held there; ``environments`` maps a project to ``(permission, environment)``
    pairs, where environment ``"*"`` stands for every environment.
    """

    root: frozenset[str] = frozenset()
    projects: dict[str, frozenset[str]] = field(default_factory=dict)
    environments: dict[str, frozenset[tuple[str, str]]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ApiTokenScope:
    type: str  # "client", "frontend" or "admin"
    projects: tuple[str, ...]  # ("*",) for every project
    environment: str  # "*" for admin tokens


@dataclass(frozen=True, slots=True)
class Principal:
    kind: CredentialKind
    account_id: int | None
    audit_name: str
    audit_user_id: int
    is_service: bool
    root_role_id: int | None
    grants: Grants
    expires_at: datetime | None = None
    credential_id: int | None = None
    api_scope: ApiTokenScope | None = None

    @property
    def is_account(self) -> bool:
        return self.account_id is not None

    def expired(self, now: datetime) -> bool:
        return self.expires_at is not None and self.expires_at <= now
