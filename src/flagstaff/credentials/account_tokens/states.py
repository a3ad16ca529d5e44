"""The state of an account token, derived from its row, its account and the lifetime policy.

One function decides it for lists, the inventory and authentication alike, so what a list shows
is what a request with the token gets.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from flagstaff.credentials.account_tokens.lifetimes import TokenPolicy
from flagstaff.credentials.account_tokens.models import AccountToken


class TokenState(StrEnum):
    ACTIVE = "active"
    DISABLED = "disabled"  # the token, or its account
    EXPIRED = "expired"
    ROTATED = "rotated"  # replaced by a successor; works until its grace window ends
    REVOKED = "revoked"
    BLOCKED = "blocked"  # outlives the lifetime policy

    @property
    def retired(self) -> bool:
        """Kept as a record only: listed under the "revoked" filter."""
        return self in (TokenState.REVOKED, TokenState.ROTATED)


def state_of(
    token: AccountToken, account_disabled: bool, policy: TokenPolicy, now: datetime
) -> TokenState:
    if token.revoked_at is not None:
        return TokenState.REVOKED
    if token.rotated_at is not None:
        return TokenState.ROTATED
    if token.expires_at <= now:
        return TokenState.EXPIRED
    if account_disabled or token.disabled_at is not None:
        return TokenState.DISABLED
    if policy.blocks(token.created_at, token.expires_at) is not None:
        return TokenState.BLOCKED
    return TokenState.ACTIVE


def in_grace(token: AccountToken, now: datetime) -> bool:
    """A rotated token that still works: its grace window has not ended."""
    return (
        token.rotated_at is not None
        and token.revoked_at is None
        and token.grace_until is not None
        and token.grace_until > now
        and token.expires_at > now
    )


def listed(state: TokenState, token: AccountToken, now: datetime) -> bool:
    """What a token list shows unless asked for retired records: everything that is not
    revoked, and rotated tokens while their grace window lasts."""
    if state is TokenState.REVOKED:
        return False
    return state is not TokenState.ROTATED or in_grace(token, now)
