"""Rows the templates show, built from the services' objects (no queries here)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flagstaff.accounts.models import Account
from flagstaff.web.token_views import TokenRow

SORT_DIRECTIONS = ("asc", "desc")


@dataclass(frozen=True)
class AccountRow:
    id: int
    name: str
    username: str
    email: str
    role: str
    created_at: datetime
    seen_at: datetime | None
    tokens: list[TokenRow]
    disabled: bool

    @property
    def expiring_soon(self) -> int:
        """How many of its live tokens are in their last days."""
        return sum(1 for token in self.tokens if token.expiring_soon)

    @property
    def search_text(self) -> str:
        parts = [self.name, self.username, self.email, *(t.description for t in self.tokens)]
        return " ".join(parts).lower()


def account_row(account: Account, tokens: list[TokenRow]) -> AccountRow:
    seen = [t.seen_at for t in tokens if t.seen_at is not None]
    return AccountRow(
        id=account.id,
        name=account.name or "",
        username=account.username or "",
        email=account.email or "",
        role=account.root_role.name,
        created_at=account.created_at,
        # A service account is seen when one of its tokens is; a person when they log in.
        seen_at=max(seen) if account.is_service and seen else account.seen_at,
        tokens=tokens,
        disabled=account.disabled_at is not None,
    )


def _missing_last(value: Any) -> tuple[bool, Any]:
    return (value is None, value)


ROW_SORTS: dict[str, Callable[[AccountRow], Any]] = {
    "name": lambda r: (r.name or r.username).lower(),
    "role": lambda r: r.role.lower(),
    "tokens": lambda r: len(r.tokens),
    "created": lambda r: r.created_at,
    "seen": lambda r: r.seen_at.timestamp() if r.seen_at else float("-inf"),
}


def sorted_rows(
    rows: list[AccountRow], sort: str, direction: str, default: str = "created"
) -> tuple[list[AccountRow], str, str]:
    """The rows in the asked order; an unknown column or direction falls back to the default
    (newest first, as Unleash's table)."""
    if sort not in ROW_SORTS:
        sort, direction = default, "desc"
    if direction not in SORT_DIRECTIONS:
        direction = "desc"
    ordered = sorted(rows, key=ROW_SORTS[sort], reverse=direction == "desc")
    return ordered, sort, direction


def matching(rows: list[AccountRow], query: str) -> list[AccountRow]:
    needle = query.strip().lower()
    return [r for r in rows if needle in r.search_text] if needle else rows
