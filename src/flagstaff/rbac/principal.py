"""One ``Principal`` for every kind of caller: session, personal token, service-account token
or API token. Everything past authentication sees only this."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum


class CredentialKind(StrEnum):
    SESSION = "session"
    PERSONAL_TOKEN = "personal-token"  # noqa: S105
    SERVICE_ACCOUNT_TOKEN = "service-account-token"  # noqa: S105
    API_TOKEN = "api-token"  # noqa: S105


# A small number per kind, so that (kind, credential id) packs into one int (see seen_key).
KIND_CODES = {kind: code for code, kind in enumerate(CredentialKind)}
KIND_BITS = 3


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
    # The service accounts this account manages (an admin's appointment, not a role).
    managed: frozenset[int] = frozenset()


@dataclass(frozen=True, slots=True)
class ApiTokenScope:
    type: str  # "client", "frontend" or "admin"
    projects: tuple[str, ...]  # ("*",) for every project
    environment: str  # "*" for admin tokens


@dataclass(frozen=True, slots=True)
class TokenScope:
    """What an account token may do, narrower than its account: the effective permission of a
    request is the account's intersected with this (``policy.is_allowed``).

    ``read_only``: no writes at all. ``permissions``: only these (``ADMIN`` among them means every
    permission the account holds); None for any. ``projects``: project and environment permissions
    only in these projects, no root ones, and no request naming another project; None for any.
    ``environments``: environment permissions only in these; None for any.
    """

    read_only: bool = False
    permissions: frozenset[str] | None = None
    projects: frozenset[str] | None = None
    environments: frozenset[str] | None = None


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
    # An account token's creation time (its warning window is half its lifetime at most), and
    # the end of its grace window once rotated; ``expires_at`` is then that end, or earlier.
    issued_at: datetime | None = None
    rotated_until: datetime | None = None
    # An account token's scope (None: all its account may do) and hint, for the audit trail.
    scope: TokenScope | None = None
    credential_hint: str | None = None
    # The expiry as a POSIX timestamp: comparing floats is what the hot path can afford.
    expires_ts: float | None = field(init=False, default=None, compare=False)
    # (credential id, kind) packed into one int: what the seen-at tracker records per use.
    seen_key: int | None = field(init=False, default=None, compare=False)

    def __post_init__(self) -> None:
        if self.expires_at is not None:
            object.__setattr__(self, "expires_ts", self.expires_at.timestamp())
        if self.credential_id is not None:
            packed = (self.credential_id << KIND_BITS) | KIND_CODES[self.kind]
            object.__setattr__(self, "seen_key", packed)

    @property
    def is_account(self) -> bool:
        return self.account_id is not None

    def expired(self, now: float | datetime | None = None) -> bool:
        """Whether the credential has expired at ``now`` (``time.time()`` when not given)."""
        if self.expires_ts is None:
            return False
        if now is None:
            now = time.time()
        elif isinstance(now, datetime):
            now = now.timestamp()
        return self.expires_ts <= now
