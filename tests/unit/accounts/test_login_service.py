"""``LoginService`` against a real database, without HTTP."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from flagstaff.accounts.login import LoginPolicy, LoginService, count_sessions
from flagstaff.accounts.models import Account, LoginFailures, LoginSession
from flagstaff.accounts.throttle import ThrottleRule
from flagstaff.core import revision
from flagstaff.core.db import utcnow
from flagstaff.core.errors import PasswordMismatchError, TooManyAttemptsError
from flagstaff.http.context import AppContext
from tests.api.accounts.support import load_account, make_service_account
from tests.factories import PASSWORD, make_user

# A long first delay: whatever the machine's speed, a throttled address is still waiting when
# the test looks.
RULE = ThrottleRule(free_attempts=2, ceiling=100, first_delay=timedelta(minutes=10))
POLICY = LoginPolicy(session_ttl=timedelta(hours=1), throttle=RULE)
ADDRESS = "192.0.2.1"


def service(context: AppContext, session: Session) -> LoginService:
    return LoginService(session, context.passwords, POLICY, context.keys)


def attempt(context: AppContext, name: str, password: str, address: str | None = ADDRESS) -> int:
    """Log in once, committing what the login route commits; the account id on success."""
    with context.database.transaction() as session:
        try:
            return service(context, session).login(name, password, address).id
        except PasswordMismatchError:
            session.commit()
            raise


def counters(context: AppContext) -> list[tuple[str, int]]:
    with context.database.session(write=False) as session:
        rows = session.execute(
            select(LoginFailures.address, LoginFailures.failures).order_by(LoginFailures.address)
        )
        return [(address, failures) for address, failures in rows]


def test_login__username_wins_over_someone_elses_email(context: AppContext) -> None:
    by_email = make_user(context, username="second", email="first@example.com")
    by_name = make_user(context, username="first@example.com", password="Other-Pass1!")

    assert attempt(context, "first@example.com", "Other-Pass1!") == by_name.id
    assert attempt(context, "second", PASSWORD) == by_email.id


def test_login__surrounding_spaces__ignored(context: AppContext) -> None:
    user = make_user(context, username="spacey")

    assert attempt(context, "  spacey ", PASSWORD) == user.id


def test_login__service_account_with_forced_name__mismatch(context: AppContext) -> None:
    make_service_account(context, "sa-login")

    with pytest.raises(PasswordMismatchError):
        attempt(context, "sa-login", "")


def test_login__free_failures_spent__address_waits_even_with_right_password(
    context: AppContext,
) -> None:
    make_user(context, username="guessed")
    for _ in range(RULE.free_attempts + 1):
        with pytest.raises(PasswordMismatchError):
            attempt(context, "guessed", "wrong")

    with pytest.raises(TooManyAttemptsError) as raised:
        attempt(context, "guessed", PASSWORD)

    assert raised.value.retry_after > 9 * 60
    assert "10 minutes" in raised.value.message
    assert counters(context) == [("", 3), (ADDRESS, 3)]


def test_login__throttled__counts_nothing_more(context: AppContext) -> None:
    for _ in range(RULE.free_attempts + 1):
        with pytest.raises(PasswordMismatchError):
            attempt(context, "nobody-here", "wrong")

    for _ in range(3):
        with pytest.raises(TooManyAttemptsError):
            attempt(context, "nobody-here", "wrong")

    assert counters(context) == [("", 3), (ADDRESS, 3)]


def test_login__unknown_user__counts_by_name_and_touches_no_account(context: AppContext) -> None:
    user = make_user(context, username="bystander")

    with pytest.raises(PasswordMismatchError):
        attempt(context, "ghost", "wrong")

    assert counters(context) == [("", 1), (ADDRESS, 1)]
    with context.database.session(write=False) as session:
        digests = set(session.scalars(select(LoginFailures.name_digest)))
    assert digests == {context.keys.digest("login-name", "ghost")}
    assert load_account(context, user.id) is not None


def test_login__success__clears_the_address_count_only(context: AppContext) -> None:
    user = make_user(context, username="was-wrong")
    with pytest.raises(PasswordMismatchError):
        attempt(context, "was-wrong", "wrong", address="198.51.100.7")
    with pytest.raises(PasswordMismatchError):
        attempt(context, "was-wrong", "wrong")

    assert attempt(context, "was-wrong", PASSWORD) == user.id

    assert counters(context) == [("", 2), ("198.51.100.7", 1)]
    account = load_account(context, user.id)
    assert account is not None
    assert account.seen_at is not None


def test_login__no_client_address__counted_as_one_unknown_address(context: AppContext) -> None:
    with pytest.raises(PasswordMismatchError):
        attempt(context, "someone", "wrong", address=None)

    assert counters(context) == [("", 1), ("unknown", 1)]


def test_start_session__stores_digest_not_cookie(context: AppContext) -> None:
    user = make_user(context, username="cookie")
    with context.database.transaction() as session:
        account = session.get(Account, user.id)
        assert account is not None
        new = service(context, session).start_session(account, context.resolver.session_digest)
        cookie, digest = new.cookie, new.session.digest

    assert len(cookie) >= 40
    assert digest == context.resolver.session_digest(cookie)
    assert cookie not in digest
    with context.database.session(write=False) as session:
        assert count_sessions(session, user.id) == 1


def test_end_session__unknown_digest__no_revision_bump(context: AppContext) -> None:
    with context.database.transaction() as session:
        before = revision.read(session)
        service(context, session).end_session("0" * 64)
        assert revision.read(session) == before


def test_purge_expired_sessions__only_expired_go(context: AppContext) -> None:
    user = make_user(context, username="purge")
    now = utcnow()
    with context.database.transaction() as session:
        session.add(
            LoginSession(digest="a" * 64, account_id=user.id, expires_at=now - timedelta(1))
        )
        session.add(
            LoginSession(digest="b" * 64, account_id=user.id, expires_at=now + timedelta(1))
        )
    with context.database.transaction() as session:
        purged = service(context, session).purge_expired_sessions()

    assert purged == 1
    with context.database.session(write=False) as session:
        assert count_sessions(session, user.id) == 1


def test_start_session__expired_sessions_of_anyone__cleared(context: AppContext) -> None:
    old = make_user(context, username="old-timer")
    fresh = make_user(context, username="fresh")
    with context.database.transaction() as session:
        session.add(
            LoginSession(digest="c" * 64, account_id=old.id, expires_at=utcnow() - timedelta(1))
        )
    with context.database.transaction() as session:
        account = session.get(Account, fresh.id)
        assert account is not None
        service(context, session).start_session(account, context.resolver.session_digest)

    with context.database.session(write=False) as session:
        remaining = session.scalars(select(LoginSession.account_id)).all()
    assert remaining == [fresh.id]
