"""``ThrottleRule`` (the delays) and ``LoginThrottle`` (the counters) against a real database."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from flagstaff.accounts.models import Account, LoginFailures
from flagstaff.accounts.throttle import EVERY_ADDRESS, LoginThrottle, ThrottleRule
from flagstaff.core.db import utcnow
from flagstaff.core.errors import TooManyAttemptsError
from flagstaff.http.context import AppContext
from tests.api.accounts.support import age_login_failures, login_failures
from tests.factories import make_user

RULE = ThrottleRule(
    free_attempts=3,
    ceiling=10,
    first_delay=timedelta(minutes=1),
    max_delay=timedelta(minutes=15),
    window=timedelta(hours=1),
)
SECONDS = timedelta(seconds=1)


@pytest.mark.parametrize(
    ("own", "name", "minutes"),
    [
        (0, 500, 0),  # an address that never failed never waits, whatever the name's count
        (1, 0, 0),
        (3, 3, 0),  # the free attempts
        (4, 4, 1),  # then the first delay
        (5, 5, 2),
        (7, 7, 8),
        (8, 8, 15),  # capped at the longest delay
        (10_000, 10_000, 15),
        (1, 9, 0),
        (1, 10, 1),  # the name at its ceiling: every address that failed for it waits
        (1, 11, 2),
        (2, 14, 15),
    ],
)
def test_rule_delay__failures__grow_then_cap(own: int, name: int, minutes: int) -> None:
    assert RULE.delay(own, name) == timedelta(minutes=minutes)


def fail(context: AppContext, name: str, address: str) -> None:
    with context.database.transaction() as session:
        throttle = LoginThrottle(session, context.keys, RULE)
        throttle.failed(throttle.begin(name, address))


def begin(context: AppContext, name: str, address: str) -> None:
    with context.database.transaction() as session:
        LoginThrottle(session, context.keys, RULE).begin(name, address)


def test_begin__case_and_spaces_of_the_name__share_one_counter(context: AppContext) -> None:
    for name in ("Ada@Example.com", " ada@example.com", "ADA@EXAMPLE.COM"):
        fail(context, name, "192.0.2.1")

    assert login_failures(context) == {EVERY_ADDRESS: 3, "192.0.2.1": 3}


def test_begin__delay_over__lets_the_address_try_again(context: AppContext) -> None:
    for _ in range(RULE.free_attempts + 1):
        fail(context, "target", "192.0.2.1")
    with pytest.raises(TooManyAttemptsError):
        begin(context, "target", "192.0.2.1")

    age_login_failures(context, RULE.first_delay + SECONDS)

    begin(context, "target", "192.0.2.1")


def test_begin__window_over__counts_start_over(context: AppContext) -> None:
    for _ in range(RULE.free_attempts + 3):
        age_login_failures(context, RULE.max_delay)
        fail(context, "target", "192.0.2.1")
    age_login_failures(context, RULE.window)

    fail(context, "target", "192.0.2.1")

    assert login_failures(context) == {EVERY_ADDRESS: 1, "192.0.2.1": 1}


def test_begin__name_over_ceiling__only_addresses_that_failed_wait(context: AppContext) -> None:
    addresses = [f"10.0.0.{n}" for n in range(RULE.ceiling)]
    for address in addresses:
        fail(context, "admin", address)

    for address in addresses:
        with pytest.raises(TooManyAttemptsError):
            begin(context, "admin", address)
    begin(context, "admin", "10.9.9.9")
    begin(context, "someone-else", addresses[0])


def test_failed__stale_counters__purged(context: AppContext) -> None:
    fail(context, "old", "192.0.2.1")
    age_login_failures(context, RULE.window + SECONDS)

    fail(context, "new", "192.0.2.2")

    with context.database.session(write=False) as session:
        digests = set(session.scalars(select(LoginFailures.name_digest)))
    assert digests == {context.keys.digest("login-name", "new")}


def test_failures_of__accounts__sum_of_their_names_in_the_window(context: AppContext) -> None:
    both = make_user(context, username="both", email="both@example.com")
    quiet = make_user(context, username="quiet")
    fail(context, "both", "192.0.2.1")
    fail(context, "Both@Example.com", "192.0.2.2")
    fail(context, "both@example.com", "192.0.2.3")

    with context.database.transaction() as session:
        accounts = [session.get(Account, both.id), session.get(Account, quiet.id)]
        counts = LoginThrottle(session, context.keys, RULE).failures_of(
            [a for a in accounts if a is not None]
        )

    assert counts == {both.id: 3, quiet.id: 0}


def test_clear_account__both_names__every_address_forgotten(context: AppContext) -> None:
    user = make_user(context, username="cleared", email="cleared@example.com")
    fail(context, "cleared", "192.0.2.1")
    fail(context, "cleared@example.com", "192.0.2.2")
    fail(context, "bystander", "192.0.2.1")

    with context.database.transaction() as session:
        account = session.get(Account, user.id)
        assert account is not None
        removed = LoginThrottle(session, context.keys, RULE).clear_account(account)

    assert removed == 4
    with context.database.session(write=False) as session:
        digests = set(session.scalars(select(LoginFailures.name_digest)))
    assert digests == {context.keys.digest("login-name", "bystander")}


def test_failed__window_start_and_last_failure__stored_as_utc(context: AppContext) -> None:
    before = utcnow()
    fail(context, "timed", "192.0.2.1")

    with context.database.session(write=False) as session:
        row = session.scalars(select(LoginFailures).limit(1)).one()
    assert before - SECONDS <= row.window_start <= utcnow()
    assert row.last_failure_at >= row.window_start
