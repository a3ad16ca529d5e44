"""Rows the templates show, built from the services' objects (no queries here)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any

from fastapi import Path

from flagstaff.accounts.models import Account
from flagstaff.core.errors import NotFoundError
from flagstaff.credentials.account_tokens.lifetimes import never_expires
from flagstaff.credentials.account_tokens.models import AccountToken
from flagstaff.credentials.account_tokens.schemas import expiry_warning

SORT_DIRECTIONS = ("asc", "desc")
TokenId = Annotated[int, Path(ge=1, le=2_147_483_647)]


@dataclass(frozen=True)
class TokenRow:
    id: int
    description: str
    hint: str
    created_at: datetime
    expires_at: datetime
    seen_at: datetime | None
    never: bool
    warning: str | None


def token_row(token: AccountToken, now: datetime) -> TokenRow:
    return TokenRow(
        id=token.id,
        description=token.description,
        hint=token.hint,
        created_at=token.created_at,
        expires_at=token.expires_at,
        seen_at=token.seen_at,
        never=never_expires(token.expires_at, now),
        warning=expiry_warning(token.created_at, token.expires_at, now),
    )


def find_token(tokens: Iterable[AccountToken], token_id: int, now: datetime) -> TokenRow:
    """The row of the token ``token_id`` among an account's ``tokens``: an id of another
    account's token is not found, as one that does not exist."""
    for token in tokens:
        if token.id == token_id:
            return token_row(token, now)
    raise NotFoundError(f"Could not find a token with id {token_id}")


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

    @property
    def search_text(self) -> str:
        parts = [self.name, self.username, self.email, *(t.description for t in self.tokens)]
        return " ".join(parts).lower()


def account_row(account: Account, tokens: Sequence[AccountToken], now: datetime) -> AccountRow:
    rows = [token_row(t, now) for t in tokens]
    seen = [t.seen_at for t in rows if t.seen_at is not None]
    return AccountRow(
        id=account.id,
        name=account.name or "",
        username=account.username or "",
        email=account.email or "",
        role=account.root_role.name,
        created_at=account.created_at,
        # A service account is seen when one of its tokens is; a person when they log in.
        seen_at=max(seen) if account.is_service and seen else account.seen_at,
        tokens=rows,
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
