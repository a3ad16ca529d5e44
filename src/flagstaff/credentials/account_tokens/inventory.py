"""Every account token in one place, for admins: filtered, paged, and revoked in bulk.

States depend on the lifetime policy and the clock, so the database narrows the rows down by
what it can compare (owner, kind, text, dates) and the states are decided here, by the same
function the lists and authentication use. An instance holds at most ten live tokens per
account: the rows fit in memory.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, Select, and_, func, or_, select
from sqlalchemy.orm import Session

from flagstaff.accounts.models import Account
from flagstaff.core.db import LIKE_ESCAPE, contains_pattern, utcnow
from flagstaff.core.errors import BadDataError, NotFoundError
from flagstaff.credentials.account_tokens.models import AccountToken
from flagstaff.credentials.account_tokens.service import (
    AccountTokenService,
    RevokeReason,
    TokenOwnerKind,
)
from flagstaff.credentials.account_tokens.states import TokenState
from flagstaff.events.service import Actor


@dataclass(frozen=True)
class InventoryFilter:
    states: frozenset[TokenState] = frozenset()
    owner: str | None = None  # an account id, or a username
    kind: TokenOwnerKind | None = None
    unused_for_days: int | None = None
    expires_within_days: int | None = None
    query: str | None = None


@dataclass(frozen=True)
class InventoryRow:
    token: AccountToken
    owner: Account
    state: TokenState


class TokenInventory:
    def __init__(self, tokens: AccountTokenService) -> None:
        self.tokens = tokens
        self.session: Session = tokens.session

    def search(
        self, criteria: InventoryFilter, offset: int, limit: int
    ) -> tuple[list[InventoryRow], int]:
        """One page of matching tokens, oldest first, and how many match in all."""
        now = utcnow()
        statement = _narrowed(
            select(AccountToken, Account).join(Account, Account.id == AccountToken.account_id),
            criteria,
            now,
        ).order_by(AccountToken.id)
        matching = [
            InventoryRow(token, owner, self.tokens.state(token, owner.disabled_at is not None, now))
            for token, owner in self.session.execute(statement)
        ]
        if criteria.states:
            matching = [row for row in matching if row.state in criteria.states]
        return matching[offset : offset + limit], len(matching)

    def find(self, token_id: int) -> tuple[AccountToken, Account]:
        row = self.session.execute(
            select(AccountToken, Account)
            .join(Account, Account.id == AccountToken.account_id)
            .where(AccountToken.id == token_id)
        ).first()
        if row is None:
            raise NotFoundError(f"Could not find a token with id {token_id}")
        return row[0], row[1]

    def revoke(self, actor: Actor, ids: Sequence[int]) -> list[int]:
        """Revoke all of ``ids`` or none: an unknown id, or one already revoked, refuses the
        whole request before anything changes."""
        wanted = list(dict.fromkeys(ids))
        found = {
            token.id: token
            for token in self.session.scalars(
                select(AccountToken)
                .where(AccountToken.id.in_(wanted))
                .order_by(AccountToken.id)
                .with_for_update()
            )
        }
        for token_id in wanted:
            token = found.get(token_id)
            if token is None:
                raise NotFoundError(
                    f"Could not find a token with id {token_id}. Nothing was revoked."
                )
            if token.revoked_at is not None:
                raise BadDataError(f"Token {token_id} is already revoked. Nothing was revoked.")
        self.tokens.revoke(actor, [found[i] for i in wanted], RevokeReason.REVOKED)
        return wanted


Rows = Select[AccountToken, Account]


def _narrowed(statement: Rows, criteria: InventoryFilter, now: datetime) -> Rows:
    clauses: list[ColumnElement[bool]] = []
    if criteria.owner:
        owner = criteria.owner.strip()
        clauses.append(Account.id == int(owner) if owner.isdigit() else Account.username == owner)
    if criteria.kind is not None:
        clauses.append(Account.is_service.is_(criteria.kind is TokenOwnerKind.SERVICE_ACCOUNT))
    if criteria.unused_for_days is not None:
        since = now - timedelta(days=criteria.unused_for_days)
        clauses.append(func.coalesce(AccountToken.seen_at, AccountToken.created_at) <= since)
    if criteria.expires_within_days is not None:
        until = now + timedelta(days=criteria.expires_within_days)
        clauses.append(and_(AccountToken.expires_at > now, AccountToken.expires_at <= until))
    if criteria.query:
        pattern = contains_pattern(criteria.query.strip())
        clauses.append(
            or_(
                *(
                    func.coalesce(column, "").ilike(pattern, escape=LIKE_ESCAPE)
                    for column in (
                        AccountToken.description,
                        AccountToken.hint,
                        Account.username,
                        Account.name,
                        Account.email,
                    )
                )
            )
        )
    return statement.where(*clauses) if clauses else statement
