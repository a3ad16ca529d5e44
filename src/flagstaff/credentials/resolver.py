"""Turning a request's credential into a ``Principal``: sessions now, tokens through
pluggable authenticators. Served from the in-process cache; one indexed query on a miss."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime
from typing import Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from flagstaff.accounts.models import Account, LoginSession
from flagstaff.core.db import Database, utcnow
from flagstaff.core.keys import Keys
from flagstaff.credentials.cache import MISS, CredentialCache
from flagstaff.credentials.seen import SeenTracker
from flagstaff.rbac.grants import load_grants
from flagstaff.rbac.principal import CredentialKind, Principal

SESSION_PURPOSE = "session"


class NotCached:
    """Returned by ``from_token_cached`` when the cache cannot answer."""


NOT_CACHED = NotCached()


class TokenAuthenticator(Protocol):
    """Knows one shape of token (account tokens, API tokens) and how to look it up."""

    purpose: str

    def matches(self, token: str) -> bool: ...

    def well_formed(self, token: str) -> bool: ...

    def load(self, session: Session, digest: str, now: datetime) -> Principal | None: ...


def account_principal(
    session: Session,
    account: Account,
    kind: CredentialKind,
    *,
    expires_at: datetime | None,
    credential_id: int | None,
) -> Principal:
    return Principal(
        kind=kind,
        account_id=account.id,
        audit_name=account.audit_name,
        audit_user_id=account.id,
        is_service=account.is_service,
        root_role_id=account.root_role_id,
        grants=load_grants(session, account.id, account.root_role_id),
        expires_at=expires_at,
        credential_id=credential_id,
    )


class CredentialResolver:
    def __init__(
        self, database: Database, keys: Keys, cache: CredentialCache, seen: SeenTracker
    ) -> None:
        self._database = database
        self._keys = keys
        self._cache = cache
        self._seen = seen
        self._authenticators: list[TokenAuthenticator] = []

    def register(self, authenticator: TokenAuthenticator) -> None:
        self._authenticators.append(authenticator)

    def from_token(self, token: str) -> Principal | None:
        for authenticator in self._authenticators:
            if authenticator.matches(token):
                if not authenticator.well_formed(token):
                    return None  # a typo or a forgery: refused without a lookup
                digest = self._keys.digest(authenticator.purpose, token)
                principal = self._resolve(digest, authenticator.load)
                if principal is not None and principal.seen_key is not None:
                    self._seen.mark(principal.seen_key)
                return principal
        return None

    def from_token_cached(self, token: str) -> Principal | NotCached | None:
        """The hot path without any I/O (safe on the event loop): the principal, ``None`` for
        a credential known to be bad, or ``NOT_CACHED`` when only the database can tell."""
        for authenticator in self._authenticators:
            if authenticator.matches(token):
                if not authenticator.well_formed(token):
                    return None
                found = self._cached(self._keys.digest(authenticator.purpose, token))
                if isinstance(found, Principal) and found.seen_key is not None:
                    self._seen.mark(found.seen_key)
                return found
        return None

    def from_session_cookie_cached(self, cookie: str) -> Principal | NotCached | None:
        return self._cached(self.session_digest(cookie))

    def _cached(self, digest: str) -> Principal | NotCached | None:
        cached = self._cache.get(digest)
        if cached is MISS:
            return None
        if isinstance(cached, Principal):
            return None if cached.expired(time.time()) else cached
        return NOT_CACHED

    def from_session_cookie(self, cookie: str) -> Principal | None:
        digest = self.session_digest(cookie)
        return self._resolve(digest, _load_session)

    def session_digest(self, cookie: str) -> str:
        return self._keys.digest(SESSION_PURPOSE, cookie)

    def _resolve(
        self, digest: str, load: Callable[[Session, str, datetime], Principal | None]
    ) -> Principal | None:
        cached = self._cache.get(digest)
        if cached is MISS:
            return None
        if isinstance(cached, Principal):
            return None if cached.expired(time.time()) else cached
        generation = self._cache.generation
        with self._database.session(write=False) as session:
            principal = load(session, digest, utcnow())
        self._cache.put(digest, principal, generation)
        if principal is None or principal.expired(time.time()):
            return None
        return principal


def _load_session(session: Session, digest: str, now: datetime) -> Principal | None:
    row = session.execute(
        select(LoginSession, Account)
        .join(Account, Account.id == LoginSession.account_id)
        .where(LoginSession.digest == digest, LoginSession.expires_at > now)
    ).first()
    if row is None:
        return None
    login_session, account = row
    if account.is_service:
        return None
    return account_principal(
        session,
        account,
        CredentialKind.SESSION,
        expires_at=login_session.expires_at,
        credential_id=login_session.id,
    )
