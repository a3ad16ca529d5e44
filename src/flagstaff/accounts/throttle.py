"""Login throttling: slows password guessing down without letting anyone lock another person out
or learn which login names exist.

Failed logins are counted in the database, so that every server process counts together: per
login name and client address, and per login name from every address together. After its free
attempts, an address waits before its next try at that name: the first delay after the next
failure, doubling with each further one up to the longest delay. Once a name has failed as often
as the ceiling (from every address together), every address that has itself failed for that name
waits as well, the wait doubling with each further failure of the name. An address that has not
failed for the name, such as the owner's on another network, never waits: nobody can keep the
owner out. Counts start over a window after their first failure, and no wait outlasts the window.

Every name is treated alike, whether an account has it or not, is a service account or is
disabled: the counters are keyed by the name as typed (trimmed and lower-cased, so that case
variants of an e-mail address share one), and the same statements run for each. The answers
(status, body, headers) and their timing therefore say nothing about the name.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, case, delete, literal, select
from sqlalchemy.orm import Session

from flagstaff.accounts.models import Account, LoginFailures
from flagstaff.accounts.service import user_data
from flagstaff.config import Settings
from flagstaff.core.db import UTCDateTime, batches, engine_insert, utcnow
from flagstaff.core.errors import TooManyAttemptsError
from flagstaff.core.keys import Keys
from flagstaff.events.service import Actor, EventService

NAME_PURPOSE = "login-name"
# The ``address`` of a name's counter over every address: no client address is empty.
EVERY_ADDRESS = ""
UNKNOWN_ADDRESS = "unknown"
MAX_ADDRESS_LENGTH = 64
# Counters whose window is over count nothing; each write clears up to this many of them.
PURGE_BATCH = 100
# Beyond this many doublings every delay is the longest one (and timedelta cannot overflow).
MAX_DOUBLINGS = 40
NO_WAIT = timedelta(0)


@dataclass(frozen=True)
class ThrottleRule:
    free_attempts: int = 5
    ceiling: int = 100
    max_delay: timedelta = timedelta(minutes=15)
    window: timedelta = timedelta(hours=1)
    first_delay: timedelta = timedelta(seconds=1)

    @classmethod
    def from_settings(cls, settings: Settings) -> ThrottleRule:
        return cls(
            free_attempts=settings.login_free_attempts,
            ceiling=settings.login_ceiling,
            first_delay=timedelta(seconds=settings.login_first_delay_seconds),
            max_delay=timedelta(seconds=settings.login_max_delay_seconds),
            window=timedelta(minutes=settings.login_window_minutes),
        )

    def delay(self, address_failures: int, name_failures: int) -> timedelta:
        """How long an address waits after its last failure for a name, given its own failures
        and the name's from every address."""
        if address_failures <= 0:
            return NO_WAIT
        own = self._doubling(address_failures - self.free_attempts)
        shared = self._doubling(name_failures - self.ceiling + 1)
        return max(own, shared)

    def _doubling(self, step: int) -> timedelta:
        if step <= 0:
            return NO_WAIT
        if step > MAX_DOUBLINGS:
            return self.max_delay
        doubled: timedelta = self.first_delay * 2 ** (step - 1)
        return min(self.max_delay, doubled)


def normal_name(login_name: str) -> str:
    return login_name.strip().lower()


def normal_address(address: str | None) -> str:
    return (address or UNKNOWN_ADDRESS)[:MAX_ADDRESS_LENGTH]


@dataclass(frozen=True)
class LoginAttempt:
    """One attempt ``LoginThrottle.begin`` let through, by the counter it counts on: it ends
    with ``failed`` or ``succeeded``."""

    name_digest: str
    address: str


class LoginThrottle:
    def __init__(self, session: Session, keys: Keys, rule: ThrottleRule) -> None:
        self.session = session
        self.keys = keys
        self.rule = rule

    def name_digest(self, login_name: str) -> str:
        return self.keys.digest(NAME_PURPOSE, normal_name(login_name))

    def begin(self, login_name: str, address: str | None) -> LoginAttempt:
        """Start a login attempt, or raise ``TooManyAttemptsError`` while this address must
        wait for this name.

        The address's counter stays locked until the transaction ends (on PostgreSQL; SQLite
        runs one writer at a time anyway): concurrent tries from one address take turns, so a
        burst of guesses cannot all pass before the first failure is counted.
        """
        now = utcnow()
        digest = self.name_digest(login_name)
        attempt = LoginAttempt(digest, normal_address(address))
        failures, last_failure = self._hold(attempt, now)
        delay = self.rule.delay(failures, self._name_failures(digest, now))
        # The time after the lock: a turn spent waiting for it is not a wait still to come.
        wait = last_failure + delay - utcnow()
        if delay > NO_WAIT and wait > NO_WAIT:
            raise _throttled(wait)
        return attempt

    def failed(self, attempt: LoginAttempt) -> None:
        """Count the failure for the address and for the name."""
        now = utcnow()
        self._count_failure(attempt, now)
        self._count_failure(LoginAttempt(attempt.name_digest, EVERY_ADDRESS), now)
        self._purge(now)
        self.session.flush()

    def succeeded(self, attempt: LoginAttempt) -> None:
        """Clear the address's count. The name's stays: others may still be guessing it."""
        self._forget(attempt)
        self._purge(utcnow())

    def failures_of(self, accounts: Sequence[Account]) -> dict[int, int]:
        """Each account's recent failed logins from every address (its username's and its
        e-mail address's together)."""
        digests: dict[str, list[int]] = {}
        for account in accounts:
            for name in {normal_name(n) for n in (account.username, account.email) if n}:
                digests.setdefault(self.name_digest(name), []).append(account.id)
        counts = dict.fromkeys((a.id for a in accounts), 0)
        cutoff = utcnow() - self.rule.window
        for batch in batches(sorted(digests)):
            rows = self.session.execute(
                select(LoginFailures.name_digest, LoginFailures.failures).where(
                    LoginFailures.name_digest.in_(batch),
                    LoginFailures.address == EVERY_ADDRESS,
                    LoginFailures.window_start > cutoff,
                )
            )
            for digest, failures in rows:
                for account_id in digests[digest]:
                    counts[account_id] += failures
        return counts

    def clear(self, names: Iterable[str | None]) -> int:
        """Forget every failure of these login names, from every address; how many counters
        went."""
        digests = sorted({self.name_digest(n) for n in names if n})
        if not digests:
            return 0
        result = self.session.execute(
            delete(LoginFailures).where(LoginFailures.name_digest.in_(digests))
        )
        return int(result.rowcount)  # type: ignore[attr-defined]

    def clear_account(self, account: Account) -> int:
        return self.clear([account.username, account.email])

    def reset(self, actor: Actor, account: Account) -> int:
        """An admin's reset of a user's throttle, recorded in the event log."""
        cleared = self.clear_account(account)
        EventService(self.session).record(
            actor, "user-login-throttle-cleared", data=user_data(account)
        )
        return cleared

    def _hold(self, counter: LoginAttempt, now: datetime) -> tuple[int, datetime]:
        """Lock the counter (creating an empty one if need be): its failures in the current
        window, and its last failure."""
        empty = engine_insert(self.session, LoginFailures).values(
            name_digest=counter.name_digest,
            address=counter.address,
            failures=0,
            window_start=now,
            last_failure_at=now,
        )
        # A no-op update rather than DO NOTHING: it locks the row that exists, and returns it.
        held = empty.on_conflict_do_update(
            index_elements=["name_digest", "address"],
            set_={"failures": LoginFailures.failures},
        ).returning(
            LoginFailures.failures, LoginFailures.window_start, LoginFailures.last_failure_at
        )
        failures, window_start, last_failure = self.session.execute(held).one()
        if window_start <= now - self.rule.window:
            return 0, last_failure
        return int(failures), last_failure

    def _name_failures(self, digest: str, now: datetime) -> int:
        failures = self.session.execute(
            select(LoginFailures.failures).where(
                LoginFailures.name_digest == digest,
                LoginFailures.address == EVERY_ADDRESS,
                LoginFailures.window_start > now - self.rule.window,
            )
        ).scalar()
        return int(failures or 0)

    def _count_failure(self, counter: LoginAttempt, now: datetime) -> None:
        # One statement per counter, so concurrent failures from many processes all count.
        at = literal(now, UTCDateTime())
        in_window: ColumnElement[bool] = LoginFailures.window_start > literal(
            now - self.rule.window, UTCDateTime()
        )
        insert = engine_insert(self.session, LoginFailures).values(
            name_digest=counter.name_digest,
            address=counter.address,
            failures=1,
            window_start=now,
            last_failure_at=now,
        )
        self.session.execute(
            insert.on_conflict_do_update(
                index_elements=["name_digest", "address"],
                set_={
                    "failures": case((in_window, LoginFailures.failures + 1), else_=1),
                    "window_start": case((in_window, LoginFailures.window_start), else_=at),
                    "last_failure_at": at,
                },
            )
        )

    def _forget(self, counter: LoginAttempt) -> None:
        self.session.execute(
            delete(LoginFailures).where(
                LoginFailures.name_digest == counter.name_digest,
                LoginFailures.address == counter.address,
            )
        )

    def _purge(self, now: datetime) -> None:
        """Delete counters whose window is over (they count nothing). Rows another login holds
        are skipped rather than waited for, so that two logins never wait on each other here."""
        stale = (
            select(LoginFailures.id)
            .where(LoginFailures.window_start <= now - self.rule.window)
            .limit(PURGE_BATCH)
            .with_for_update(skip_locked=True)
        )
        self.session.execute(delete(LoginFailures).where(LoginFailures.id.in_(stale)))


def _throttled(wait: timedelta) -> TooManyAttemptsError:
    seconds = max(1, math.ceil(wait.total_seconds()))
    if seconds < 120:
        shown = "1 second" if seconds == 1 else f"{seconds} seconds"
    else:
        shown = f"{math.ceil(seconds / 60)} minutes"
    return TooManyAttemptsError(
        "Too many failed logins with this name from your address. Try again in "
        f"{shown}; if you have forgotten your password, get in touch with your instance "
        "administrator.",
        retry_after=seconds,
    )
