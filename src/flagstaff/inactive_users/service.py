"""Inactive users: human users nobody has seen, by login or by PAT, for Unleash's 180 days.

Service accounts are never inactive users here: they are neither listed nor deleted.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.orm import Session

from flagstaff.accounts.models import Account
from flagstaff.accounts.passwords import Passwords
from flagstaff.accounts.service import AccountService
from flagstaff.core.db import utcnow
from flagstaff.core.errors import BadDataError
from flagstaff.credentials.account_tokens.models import AccountToken
from flagstaff.events.service import Actor

# Unleash's default ``userInactivityThresholdInDays``.
INACTIVE_DAYS = 180


@dataclass(frozen=True)
class InactiveUser:
    account: Account
    pat_seen_at: datetime | None


class InactiveUsers:
    def __init__(self, session: Session, passwords: Passwords) -> None:
        self.session = session
        self.accounts = AccountService(session, passwords)

    def find(self) -> list[InactiveUser]:
        cutoff = utcnow() - timedelta(days=INACTIVE_DAYS)
        # One row per user, with the latest PAT use. (Unleash joins every PAT and can list a
        # user once per token, even one used yesterday; a user is inactive here only when no
        # token of theirs was used since the cutoff either.)
        latest_pat_use = (
            select(func.max(AccountToken.seen_at))
            .where(AccountToken.account_id == Account.id)
            .correlate(Account)
            .scalar_subquery()
        )
        rows = self.session.execute(
            select(Account, latest_pat_use).where(_inactive_since(cutoff)).order_by(Account.id)
        )
        return [InactiveUser(account, pat_seen_at) for account, pat_seen_at in rows]

    def delete(self, actor: Actor, caller_id: int | None, ids: list[int]) -> list[int]:
        """Delete these users through the ordinary user deletion (its checks, cascades and
        ``user-deleted`` event), all or none. As Unleash, the caller's own id is skipped. Unlike
        Unleash, which deletes any user id it is given, an id that is not an inactive user
        refuses the whole request: this route promises to remove inactive users only."""
        wanted = [i for i in dict.fromkeys(ids) if i != caller_id]
        if not wanted:
            return []
        for user_id in wanted:
            self.accounts.get_user(user_id)  # "No user found" (404), service accounts included
        cutoff = utcnow() - timedelta(days=INACTIVE_DAYS)
        inactive = set(
            self.session.scalars(
                select(Account.id).where(Account.id.in_(wanted), _inactive_since(cutoff))
            )
        )
        active = [i for i in wanted if i not in inactive]
        if active:
            raise BadDataError(
                f"User {active[0]} has been active in the last {INACTIVE_DAYS} days; only "
                "inactive users can be deleted here. Nothing was deleted."
            )
        for user_id in wanted:
            self.accounts.delete_user(actor, user_id)
        return wanted


def _inactive_since(cutoff: datetime) -> ColumnElement[bool]:
    recent_pat_use = (
        select(AccountToken.id)
        .where(AccountToken.account_id == Account.id, AccountToken.seen_at >= cutoff)
        .correlate(Account)
        .exists()
    )
    return and_(
        Account.is_service.is_(False),
        or_(Account.seen_at.is_(None), Account.seen_at < cutoff),
        Account.created_at < cutoff,
        ~recent_pat_use,
    )
