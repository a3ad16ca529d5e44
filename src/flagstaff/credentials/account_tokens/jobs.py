"""The cluster-wide token job, every ``FLAGSTAFF_TOKEN_JOB_SECONDS``: it records the expiry
notice of each token entering its warning window (once per token), revokes tokens unused for
longer than the policy allows (when it says so), and purges retired records older than the
retention period.

Every process runs the timer; only the holder of the job's lease (``core.leases``) does the
work, so with several processes on one database it happens once, not once per process. Each
step is also idempotent (a notice sets ``expiry_notified_at`` in the transaction that records
it), so a lease that changes hands mid-run repeats nothing.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, and_, delete, func, or_, select
from sqlalchemy.orm import Session

from flagstaff.accounts.models import Account
from flagstaff.config import Settings
from flagstaff.core.db import Database, utcnow
from flagstaff.core.leases import acquire, process_holder
from flagstaff.core.periodic import Periodic
from flagstaff.credentials.account_tokens.lifetimes import (
    TokenPolicy,
    current_policy,
    never_expires,
    warning_starts,
)
from flagstaff.credentials.account_tokens.models import AccountToken
from flagstaff.credentials.account_tokens.service import (
    RevokeReason,
    TokenOwnerKind,
    audit_data,
)
from flagstaff.events.service import SYSTEM, EventService
from flagstaff.metrics.instruments import job_failed

log = logging.getLogger(__name__)

JOB = "account-tokens"
LONGEST_WINDOW = timedelta(days=14)
FEDERATED_RETENTION = timedelta(days=1)


@dataclass(frozen=True)
class JobReport:
    ran: bool  # False: another process holds the lease
    notified: int = 0
    revoked: int = 0
    purged: int = 0


class TokenJobs:
    def __init__(self, database: Database, settings: Settings) -> None:
        self._database = database
        self._settings = settings
        self._holder = process_holder()
        self._lease = timedelta(seconds=max(3 * settings.token_job_seconds, 30))
        self._periodic = Periodic("token-jobs", settings.token_job_seconds, self._safe_run)

    def run_once(self, now: datetime | None = None) -> JobReport:
        now = now or utcnow()
        with self._database.transaction() as session:
            if not acquire(session, JOB, self._holder, self._lease):
                return JobReport(ran=False)
            policy = current_policy(session, self._settings)
            return JobReport(
                ran=True,
                notified=notify_expiring(session, now),
                revoked=revoke_unused(session, policy, now),
                purged=purge_retired(session, self._settings.token_retention_days, now),
            )

    def start(self) -> None:
        self._periodic.start()

    def stop(self) -> None:
        self._periodic.stop()

    def _safe_run(self) -> None:
        try:
            self.run_once()
        except Exception:
            # Notices and cleanup can wait for the next run; a request never does.
            log.exception("the token job failed")
            job_failed(self._periodic.name)


def _live() -> list[ColumnElement[bool]]:
    return [AccountToken.revoked_at.is_(None), AccountToken.rotated_at.is_(None)]


def notify_expiring(session: Session, now: datetime) -> int:
    """``pat-expiring`` / ``service-account-token-expiring`` for each usable token that entered
    its warning window since the last run."""
    rows = session.execute(
        select(AccountToken, Account)
        .join(Account, Account.id == AccountToken.account_id)
        .where(
            *_live(),
            AccountToken.expiry_notified_at.is_(None),
            # A federated token lives an hour and is replaced by the next exchange: no notice.
            AccountToken.federated_issuer.is_(None),
            AccountToken.disabled_at.is_(None),
            Account.disabled_at.is_(None),
            AccountToken.expires_at > now,
            AccountToken.expires_at <= now + LONGEST_WINDOW,
        )
        .order_by(AccountToken.id)
        .with_for_update(of=AccountToken)
    )
    events = EventService(session)
    count = 0
    for token, owner in rows:
        if never_expires(token.expires_at, token.created_at):
            continue
        if now < warning_starts(token.created_at, token.expires_at):
            continue
        token.expiry_notified_at = now
        kind = TokenOwnerKind.of(owner)
        events.record(SYSTEM, kind.event("expiring"), data=audit_data(token, kind))
        count += 1
    session.flush()
    return count


def revoke_unused(session: Session, policy: TokenPolicy, now: datetime) -> int:
    """Revoke live tokens nobody used for longer than the policy's ``revokeUnusedAfterDays``
    (a token never used counts from its creation), each with a ``-revoked`` event."""
    days = policy.revoke_unused_days
    if not days:
        return 0
    cutoff = now - timedelta(days=days)
    rows = session.execute(
        select(AccountToken, Account)
        .join(Account, Account.id == AccountToken.account_id)
        .where(*_live(), func.coalesce(AccountToken.seen_at, AccountToken.created_at) < cutoff)
        .order_by(AccountToken.id)
        .with_for_update(of=AccountToken)
    ).all()
    events = EventService(session)
    for token, owner in rows:
        token.revoked_at = now
        token.revoked_by = SYSTEM.name
        token.revoke_reason = RevokeReason.UNUSED.value
        kind = TokenOwnerKind.of(owner)
        data = {
            **audit_data(token, kind),
            "reason": RevokeReason.UNUSED.value,
            "unusedForDays": days,
        }
        events.record(SYSTEM, kind.event("revoked"), data=data)
    session.flush()
    return len(rows)


def purge_retired(session: Session, retention_days: int, now: datetime) -> int:
    """Delete the records kept past the retention period: revoked, rotated-out (counted from
    the end of their grace window) and expired tokens. Expired federated tokens go a day after
    they expire: a pipeline mints one per run, and the events keep their story."""
    cutoff = now - timedelta(days=retention_days)
    result = session.execute(
        delete(AccountToken).where(
            or_(
                AccountToken.revoked_at < cutoff,
                and_(AccountToken.rotated_at.is_not(None), AccountToken.grace_until < cutoff),
                AccountToken.expires_at < cutoff,
                and_(
                    AccountToken.federated_issuer.is_not(None),
                    AccountToken.expires_at < now - FEDERATED_RETENTION,
                ),
            )
        )
    )
    return int(result.rowcount)  # type: ignore[attr-defined]
