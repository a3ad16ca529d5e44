"""Turning a request's credential into a ``Principal`` (or a ``Refusal`` that says why not):
sessions here, tokens through pluggable authenticators. Served from the in-process cache; one
indexed query on a miss."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime
from typing import Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from flagstaff.accounts.models import Account, LoginSession
from flagstaff.core.db import Database, utcnow
from flagstaff.core.keys import Keys
from flagstaff.credentials.cache import MISS, CredentialCache
from flagstaff.credentials.refusal import Refusal
from flagstaff.credentials.seen import SeenTracker
from flagstaff.metrics import tally
from flagstaff.metrics.instruments import TOKEN_CACHE_HIT, TOKEN_CACHE_MISS
from flagstaff.rbac.grants import load_grants
from flagstaff.rbac.principal import CredentialKind, Principal, TokenScope

SESSION_PURPOSE = "session"
ACCOUNT_DISABLED = Refusal("This account is disabled. An admin can enable it again.")


class NotCached:
    """Returned by ``from_token_cached`` when the cache cannot answer."""


NOT_CACHED = NotCached()


class TokenAuthenticator(Protocol):
    """Knows one shape of token (account tokens, API tokens) and how to look it up."""

    purpose: str

    def matches(self, token: str) -> bool: ...

    def well_formed(self, token: str) -> bool: ...

    def load(self, session: Session, digest: str, now: datetime) -> Principal | Refusal | None: ...


def account_principal(
    session: Session,
    account: Account,
    kind: CredentialKind,
    *,
    expires_at: datetime | None,
    credential_id: int | None,
    issued_at: datetime | None = None,
    rotated_until: datetime | None = None,
    scope: TokenScope | None = None,
    hint: str | None = None,
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
        issued_at=issued_at,
        rotated_until=rotated_until,
        scope=scope,
        credential_hint=hint,
    )


Resolved = Principal | Refusal | None
Loader = Callable[[Session, str, datetime], Resolved]


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

    def from_token(self, token: str) -> Resolved:
        for authenticator in self._authenticators:
            if authenticator.matches(token):
                if not authenticator.well_formed(token):
                    return None  # a typo or a forgery: refused without a lookup
                digest = self._keys.digest(authenticator.purpose, token)
                principal = self._resolve(digest, authenticator.load)
                if isinstance(principal, Principal) and principal.seen_key is not None:
                    self._seen.mark(principal.seen_key)
                return principal
        return None

    def from_token_cached(self, token: str) -> Resolved | NotCached:
        """The hot path without any I/O (safe on the event loop): the principal, a refusal or
        ``None`` for a credential known to be bad, or ``NOT_CACHED`` when only the database can
        tell."""
        for authenticator in self._authenticators:
            if authenticator.matches(token):
                if not authenticator.well_formed(token):
                    return None
                found = self._cached(self._keys.digest(authenticator.purpose, token))
                if isinstance(found, NotCached):
                    tally.inc(TOKEN_CACHE_MISS)
                    return found
                tally.inc(TOKEN_CACHE_HIT)
                if isinstance(found, Principal) and found.seen_key is not None:
                    self._seen.mark(found.seen_key)
                return found
        return None

    def from_session_cookie_cached(self, cookie: str) -> Resolved | NotCached:
        return self._cached(self.session_digest(cookie))

    def _cached(self, digest: str) -> Resolved | NotCached:
        cached = self._cache.get(digest)
        if cached is MISS:
            return None
        if isinstance(cached, Principal):
            if not cached.expired(time.time()):
                return cached
            # A rotated token past its grace window goes back to the database, which treats
            # its use as a stolen token's; a plain expiry needs no second look.
            return NOT_CACHED if cached.rotated_until is not None else None
        if isinstance(cached, Refusal):
            return cached
        return NOT_CACHED

    def from_session_cookie(self, cookie: str) -> Resolved:
        digest = self.session_digest(cookie)
        return self._resolve(digest, _load_session)

    def session_digest(self, cookie: str) -> str:
        return self._keys.digest(SESSION_PURPOSE, cookie)

    def _resolve(self, digest: str, load: Loader) -> Resolved:
        found = self._cached(digest)
        if not isinstance(found, NotCached):
            return found
        resolved = self._load(digest, load)
        if isinstance(resolved, Principal) and resolved.expired(time.time()):
            if resolved.rotated_until is None:
                return None
            # A rotated token's grace window ended between the query and now: its use is now a
            # stolen token's, which only the database's answer says (and reports).
            resolved = self._load(digest, load)
            if isinstance(resolved, Principal) and resolved.expired(time.time()):
                return None
        return resolved

    def _load(self, digest: str, load: Loader) -> Resolved:
        generation = self._cache.generation
        with self._database.session(write=False) as session:
            resolved = load(session, digest, utcnow())
        self._cache.put(digest, resolved, generation)
        return resolved


async def resolve_token(resolver: CredentialResolver, token: str) -> Resolved:
    """For request handlers: a cached credential (nearly every request) resolves on the event
    loop without a thread hop; only a miss goes to a worker thread for its one query."""
    found = resolver.from_token_cached(token)
    if isinstance(found, NotCached):
        return await run_in_threadpool(resolver.from_token, token)
    return found


async def resolve_session(resolver: CredentialResolver, cookie: str) -> Resolved:
    found = resolver.from_session_cookie_cached(cookie)
    if isinstance(found, NotCached):
        return await run_in_threadpool(resolver.from_session_cookie, cookie)
    return found


def _load_session(session: Session, digest: str, now: datetime) -> Resolved:
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
    if account.disabled_at is not None:
        return ACCOUNT_DISABLED
    return account_principal(
        session,
        account,
        CredentialKind.SESSION,
        expires_at=login_session.expires_at,
        credential_id=login_session.id,
    )
