"""Account tokens as the pages show them: a state badge, what may still be done with each, and
the records of retired ones. The state comes from the token service, so a page shows what a
request with the token would get."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated

from fastapi import Path

from flagstaff.accounts.models import Account
from flagstaff.core.errors import NotFoundError
from flagstaff.credentials.account_tokens.inventory import InventoryRow
from flagstaff.credentials.account_tokens.lifetimes import never_expires
from flagstaff.credentials.account_tokens.models import AccountToken, TokenClientIp
from flagstaff.credentials.account_tokens.schemas import expiry_warning
from flagstaff.credentials.account_tokens.service import AccountTokenService, addresses_of
from flagstaff.credentials.account_tokens.states import TokenState, in_grace
from flagstaff.web.rendering import date_time, short_date
from flagstaff.web.token_details import ClientAddress, ScopeView, client_addresses, scope_view

TokenId = Annotated[int, Path(ge=1, le=2_147_483_647)]

# Why a record was revoked, keyed by the service's RevokeReason values.
REVOKE_REASONS = {
    "deleted": "Deleted",
    "revoked": "Revoked by an admin",
    "reuse-detected": "A rotated-out copy was used again, so its whole rotation family was revoked",
    "unused": "Unused for longer than the lifetime policy allows",
}


@dataclass(frozen=True)
class Badge:
    label: str
    tone: str  # the badge's CSS modifier: success, warning, error or muted
    title: str


@dataclass(frozen=True)
class Federated:
    """Where a federated token came from: the ID token's issuer and subject."""

    issuer: str
    subject: str

    @property
    def title(self) -> str:
        return f"Exchanged for an ID token from {self.issuer}, subject {self.subject}"


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
    state: TokenState
    badge: Badge
    disabled: bool  # the token itself, whatever its account
    self_rotation: bool
    valid_until: datetime | None
    successor_id: int | None
    rotated_at: datetime | None
    revoked_at: datetime | None
    revoked_by: str | None
    revoke_reason: str | None
    scope: ScopeView | None  # None: it may do all its account may do
    addresses: tuple[ClientAddress, ...]  # where it was last used from, newest first
    federated: Federated | None = None  # minted by the OIDC exchange

    @property
    def live(self) -> bool:
        """Neither rotated nor revoked: it may be rotated and its settings changed."""
        return self.state not in (TokenState.ROTATED, TokenState.REVOKED)

    @property
    def expiring_soon(self) -> bool:
        return self.live and self.warning == "expires-soon"

    @property
    def retired_at(self) -> datetime | None:
        return self.revoked_at or self.rotated_at

    @property
    def retired_why(self) -> str:
        if self.revoke_reason is not None:
            return REVOKE_REASONS.get(self.revoke_reason, self.revoke_reason)
        return "Replaced by rotation"


def state_badge(token: AccountToken, state: TokenState, now: datetime) -> Badge:
    if state is TokenState.REVOKED:
        when = short_date(token.revoked_at)
        return Badge("Revoked", "error", f"Revoked on {when} by {token.revoked_by or 'unknown'}")
    if state is TokenState.ROTATED:
        if in_grace(token, now):
            until = date_time(token.grace_until)
            return Badge(
                f"Rotated, valid until {until}",
                "warning",
                "Replaced by a new token; this one keeps working until its grace window ends.",
            )
        return Badge("Rotated", "muted", "Replaced by a new token; this one no longer works.")
    if state is TokenState.EXPIRED:
        return Badge("Expired", "error", "This token has expired")
    if state is TokenState.DISABLED:
        return _disabled_badge(token)
    if state is TokenState.BLOCKED:
        return Badge(
            "Blocked by policy",
            "error",
            "It outlives the token lifetime policy: requests with it are refused until the "
            "policy allows it again.",
        )
    if expiry_warning(token.created_at, token.expires_at, now) == "expires-soon":
        return Badge("Expires soon", "warning", "This token expires soon")
    return Badge("Active", "success", "Requests with this token are accepted.")


def _disabled_badge(token: AccountToken) -> Badge:
    if token.disabled_at is None:
        return Badge("Disabled", "muted", "Its account is disabled.")
    who = token.disabled_by or "unknown"
    return Badge("Disabled", "muted", f"Disabled on {short_date(token.disabled_at)} by {who}")


def token_row(
    token: AccountToken,
    state: TokenState,
    now: datetime,
    addresses: Sequence[TokenClientIp] = (),
) -> TokenRow:
    return TokenRow(
        id=token.id,
        description=token.description,
        hint=token.hint,
        created_at=token.created_at,
        expires_at=token.expires_at,
        seen_at=token.seen_at,
        never=never_expires(token.expires_at, now),
        warning=expiry_warning(token.created_at, token.expires_at, now),
        state=state,
        badge=state_badge(token, state, now),
        disabled=token.disabled_at is not None,
        self_rotation=token.self_rotation,
        valid_until=token.grace_until if token.rotated_at is not None else None,
        successor_id=token.successor_id,
        rotated_at=token.rotated_at,
        revoked_at=token.revoked_at,
        revoked_by=token.revoked_by,
        revoke_reason=token.revoke_reason,
        scope=scope_view(token.scopes),
        addresses=client_addresses(addresses),
        federated=(
            Federated(token.federated_issuer, token.federated_subject or "")
            if token.federated_issuer is not None
            else None
        ),
    )


def token_rows(
    service: AccountTokenService,
    owner: Account,
    tokens: Sequence[AccountToken],
    now: datetime,
    addresses: Mapping[int, Sequence[TokenClientIp]] | None = None,
) -> list[TokenRow]:
    """The rows of ``owner``'s tokens; ``addresses`` when the caller looked them up for many
    accounts at once, else they are looked up here."""
    if addresses is None:
        addresses = addresses_of(service.session, [t.id for t in tokens])
    disabled = owner.disabled_at is not None
    return [
        token_row(t, service.state(t, disabled, now), now, addresses.get(t.id, ())) for t in tokens
    ]


def find_token(rows: Iterable[TokenRow], token_id: int) -> TokenRow:
    """The row of ``token_id`` among an account's rows: another account's token is not found,
    as one that does not exist."""
    for row in rows:
        if row.id == token_id:
            return row
    raise NotFoundError(f"Could not find a token with id {token_id}")


def switched_flash(description: str, disabled: bool) -> str:
    if disabled:
        return (
            f'The token "{description}" is disabled: requests with it are refused until you '
            "enable it."
        )
    return f'The token "{description}" is enabled again.'


@dataclass(frozen=True)
class OwnedTokenRow:
    """A token of the inventory, with whose it is."""

    token: TokenRow
    owner_id: int
    owner_name: str
    owner_login: str
    is_service: bool
    owner_disabled: bool

    @property
    def kind_label(self) -> str:
        return "Service account" if self.is_service else "Personal"

    @property
    def owner_href(self) -> str:
        return f"/admin/{'service-accounts' if self.is_service else 'users'}/{self.owner_id}/edit"


def owned_row(
    row: InventoryRow, now: datetime, addresses: Sequence[TokenClientIp] = ()
) -> OwnedTokenRow:
    owner = row.owner
    return OwnedTokenRow(
        token=token_row(row.token, row.state, now, addresses),
        owner_id=owner.id,
        owner_name=owner.name or owner.username or owner.email or f"Account {owner.id}",
        owner_login=owner.username or owner.email or "",
        is_service=owner.is_service,
        owner_disabled=owner.disabled_at is not None,
    )
