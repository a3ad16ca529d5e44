"""Token resolution through the real resolver, cache and database."""

from __future__ import annotations

import time
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select, update

from flagstaff.accounts.models import Account
from flagstaff.core import revision
from flagstaff.core.db import utcnow
from flagstaff.credentials.account_tokens import format
from flagstaff.credentials.account_tokens.models import AccountToken
from flagstaff.credentials.account_tokens.rotation import REUSED_MESSAGE
from flagstaff.credentials.account_tokens.service import AccountTokenService, NewToken
from flagstaff.credentials.refusal import Refusal
from flagstaff.events.service import SYSTEM
from flagstaff.http.context import AppContext
from flagstaff.rbac.principal import CredentialKind, Principal
from tests.factories import make_user


def _issue(context: AppContext, account_id: int, days: float = 30) -> str:
    with context.database.transaction() as session:
        owner = session.get_one(Account, account_id)
        service = AccountTokenService(session, context.keys, context.settings)
        issued = service.create(SYSTEM, owner, NewToken("t", utcnow() + timedelta(days=days)))
        return issued.secret


class CountingDatabase:
    """Counts sessions opened on the real database, to prove the cache serves hits."""

    def __init__(self, context: AppContext) -> None:
        self.opened = 0
        original = context.database.session

        def counting(*, write: bool):  # type: ignore[no-untyped-def]
            self.opened += 1
            return original(write=write)

        context.database.session = counting  # type: ignore[method-assign]


def test_resolve__valid_token__principal_of_owner(context: AppContext) -> None:
    user = make_user(context, role="Editor")
    secret = _issue(context, user.id)
    principal = context.resolver.from_token(secret)
    assert principal is not None
    assert principal.account_id == user.id
    assert principal.kind == CredentialKind.PERSONAL_TOKEN
    assert principal.audit_name == user.username


def test_resolve__second_use__served_from_cache_without_database(context: AppContext) -> None:
    user = make_user(context)
    secret = _issue(context, user.id)
    assert context.resolver.from_token(secret) is not None
    counter = CountingDatabase(context)
    for _ in range(100):
        assert context.resolver.from_token(secret) is not None
    assert counter.opened == 0


def test_resolve__unknown_well_formed_token__negatively_cached(context: AppContext) -> None:
    unknown = format.generate()
    counter = CountingDatabase(context)
    for _ in range(50):
        assert context.resolver.from_token(unknown) is None
    assert counter.opened == 1


def test_resolve__malformed_token__refused_without_lookup(context: AppContext) -> None:
    counter = CountingDatabase(context)
    valid = format.generate()
    typo = valid[:-1] + ("a" if valid[-1] != "a" else "b")
    assert context.resolver.from_token(typo) is None
    assert context.resolver.from_token("user:not-a-flagstaff-token") is None
    assert counter.opened == 0


def test_resolve__after_revision_moves__reloaded_and_revocation_honoured(
    context: AppContext,
) -> None:
    user = make_user(context)
    secret = _issue(context, user.id)
    assert context.resolver.from_token(secret) is not None
    with context.database.transaction() as session:
        session.execute(AccountToken.__table__.delete())
        revision.bump(session)
    context.watcher.check_now()
    assert context.resolver.from_token(secret) is None


def test_resolve__expired_token__refused_even_from_cache(context: AppContext) -> None:
    user = make_user(context)
    secret = _issue(context, user.id, days=1)
    assert context.resolver.from_token(secret) is not None
    with context.database.transaction() as session:
        session.execute(update(AccountToken).values(expires_at=utcnow() - timedelta(seconds=1)))
    context.credentials.clear()
    assert context.resolver.from_token(secret) is None


def test_resolve__grace_window_ends_during_the_lookup__refused_as_reuse_not_unknown(
    context: AppContext,
) -> None:
    """The query finds a rotated token inside its grace window, which ends before the answer
    is checked: the answer is the reuse refusal (from a second look), never "unknown"."""
    user = make_user(context)
    secret = _issue(context, user.id)
    grace_until = utcnow() + timedelta(seconds=0.2)
    with context.database.transaction() as session:
        session.execute(update(AccountToken).values(rotated_at=utcnow(), grace_until=grace_until))
    [authenticator] = [a for a in context.resolver._authenticators if a.matches(secret)]
    real_load = authenticator.load
    loads = []

    def slow_load(session: Any, digest: str, now: datetime) -> Any:
        loaded = real_load(session, digest, now)
        loads.append(loaded)
        if len(loads) == 1:  # the window ends while the first answer is on its way
            time.sleep(max(0.0, (grace_until - utcnow()).total_seconds()) + 0.05)
        return loaded

    authenticator.load = slow_load  # type: ignore[method-assign]

    found = context.resolver.from_token(secret)

    assert isinstance(loads[0], Principal)  # inside the window at the first query
    assert isinstance(found, Refusal)
    assert found.message == REUSED_MESSAGE


def test_database__holds_no_usable_secret(context: AppContext) -> None:
    user = make_user(context)
    secret = _issue(context, user.id)
    random_part = secret[len("user:fsa_") :]
    with context.database.session(write=False) as session:
        row = session.scalars(select(AccountToken)).one()
        values = [str(getattr(row, c.key)) for c in AccountToken.__table__.columns]
    assert not any(secret in v or random_part[4:] in v for v in values)


def test_seen__marked_then_flushed__one_batched_update(context: AppContext) -> None:
    user = make_user(context)
    secret = _issue(context, user.id)
    for _ in range(20):
        context.resolver.from_token(secret)
    with context.database.session(write=False) as session:
        assert session.scalar(select(AccountToken.seen_at)) is None
    assert context.seen.flush() == 1
    with context.database.session(write=False) as session:
        assert session.scalar(select(func.count()).where(AccountToken.seen_at.is_not(None))) == 1
    assert context.seen.flush() == 0
