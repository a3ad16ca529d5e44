"""``LoginService`` against a real database, without HTTP."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from flagstaff.accounts.login import LoginPolicy, LoginService, count_sessions
from flagstaff.accounts.models import Account, LoginSession
from flagstaff.core import revision
from flagstaff.core.db import utcnow
from flagstaff.core.errors import AccountLockedError, PasswordMismatchError
from flagstaff.http.context import AppContext
from tests.api.accounts.support import load_account, make_service_account, set_account
from tests.factories import PASSWORD, make_user

POLICY = LoginPolicy(max_attempts=3, lockout=timedelta(minutes=5), session_ttl=timedelta(hours=1))


def attempt(context: AppContext, name: str, password: str) -> int:
    """Log in once, committing what the login route commits; the account id on success."""
    with context.database.transaction() as session:
        service = LoginService(session, context.passwords, POLICY)
        try:
            return service.login(name, password).id
        except PasswordMismatchError:
            session.commit()
            raise


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


def test_login__failures_reach_limit__locked_and_counter_reset(context: AppContext) -> None:
    user = make_user(context, username="locky")
    for _ in range(POLICY.max_attempts):
        with pytest.raises(PasswordMismatchError):
            attempt(context, "locky", "wrong")

    account = load_account(context, user.id)
    assert account is not None
    assert account.login_attempts == 0
    assert account.locked_until is not None
    assert account.locked_until - utcnow() > POLICY.lockout - timedelta(seconds=30)
    with pytest.raises(AccountLockedError) as raised:
        attempt(context, "locky", PASSWORD)
    assert "5 minutes" in raised.value.message


def test_login__unknown_user__counts_nothing(context: AppContext) -> None:
    user = make_user(context, username="bystander")

    with pytest.raises(PasswordMismatchError):
        attempt(context, "ghost", "wrong")

    account = load_account(context, user.id)
    assert account is not None
    assert account.login_attempts == 0


def test_login__lock_in_the_past__ignored(context: AppContext) -> None:
    user = make_user(context, username="was-locked")
    set_account(context, user.id, locked_until=utcnow() - timedelta(seconds=1), login_attempts=2)

    assert attempt(context, "was-locked", PASSWORD) == user.id
    account = load_account(context, user.id)
    assert account is not None
    assert (account.login_attempts, account.locked_until) == (0, None)
    assert account.seen_at is not None


def test_start_session__stores_digest_not_cookie(context: AppContext) -> None:
    user = make_user(context, username="cookie")
    with context.database.transaction() as session:
        account = session.get(Account, user.id)
        assert account is not None
        new = LoginService(session, context.passwords, POLICY).start_session(
            account, context.resolver.session_digest
        )
        cookie, digest = new.cookie, new.session.digest

    assert len(cookie) >= 40
    assert digest == context.resolver.session_digest(cookie)
    assert cookie not in digest
    with context.database.session(write=False) as session:
        assert count_sessions(session, user.id) == 1


def test_end_session__unknown_digest__no_revision_bump(context: AppContext) -> None:
    with context.database.transaction() as session:
        before = revision.read(session)
        LoginService(session, context.passwords, POLICY).end_session("0" * 64)
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
        purged = LoginService(session, context.passwords, POLICY).purge_expired_sessions()

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
        LoginService(session, context.passwords, POLICY).start_session(
            account, context.resolver.session_digest
        )

    with context.database.session(write=False) as session:
        remaining = session.scalars(select(LoginSession.account_id)).all()
    assert remaining == [fresh.id]
