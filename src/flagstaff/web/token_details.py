"""What a token may do and where it was used from, as the token tables show them: one short line
each, with the whole of it in a tooltip."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flagstaff.credentials.account_tokens.models import TokenClientIp
from flagstaff.credentials.account_tokens.scopes import scope_from_json
from flagstaff.rbac.permissions import PERMISSIONS, parse_permission
from flagstaff.rbac.principal import TokenScope

# Up to this many projects or environments are named in the short line; more are counted.
NAMED_AT_MOST = 2


@dataclass(frozen=True)
class ScopeView:
    """A scoped token: ``summary`` ("3 permissions · checkout · production") and ``details``,
    each part in full as (what, its values)."""

    summary: str
    details: tuple[tuple[str, tuple[str, ...]], ...]


@dataclass(frozen=True)
class ClientAddress:
    ip: str
    seen_at: datetime


def scope_view(stored: dict[str, Any] | None) -> ScopeView | None:
    """The view of a token's stored scope; None for a token as wide as its account."""
    scope = scope_from_json(stored)
    if scope is None:
        return None
    return ScopeView(_summary(scope), _details(scope))


def permission_label(name: str) -> str:
    known = parse_permission(name)
    return PERMISSIONS[known].display_name if known else name


def _summary(scope: TokenScope) -> str:
    parts = [
        _permissions_part(scope),
        _names_part(scope.projects, "project"),
        _names_part(scope.environments, "environment"),
    ]
    return " · ".join(part for part in parts if part)


def _permissions_part(scope: TokenScope) -> str:
    if scope.read_only:
        return "read only"
    if scope.permissions is None:
        return ""
    if len(scope.permissions) == 1:
        [only] = scope.permissions
        return permission_label(only)
    return f"{len(scope.permissions)} permissions"


def _names_part(names: frozenset[str] | None, word: str) -> str:
    if not names:
        return ""
    if len(names) <= NAMED_AT_MOST:
        return ", ".join(sorted(names))
    return f"{len(names)} {word}s"


def _details(scope: TokenScope) -> tuple[tuple[str, tuple[str, ...]], ...]:
    details: list[tuple[str, tuple[str, ...]]] = []
    if scope.read_only:
        details.append(("Access", ("Read only: every change is refused",)))
    if scope.permissions is not None:
        labels = sorted(permission_label(name) for name in scope.permissions)
        details.append(("Permissions", tuple(labels)))
    if scope.projects is not None:
        details.append(("Projects", tuple(sorted(scope.projects))))
    if scope.environments is not None:
        details.append(("Environments", tuple(sorted(scope.environments))))
    return tuple(details)


def client_addresses(rows: Sequence[TokenClientIp]) -> tuple[ClientAddress, ...]:
    """A token's recorded client addresses, newest first (as the service lists them)."""
    return tuple(ClientAddress(row.ip, row.last_seen_at) for row in rows)
