"""Password login (throttled by ``accounts.throttle``), login sessions and logout."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import delete, func, or_, select
from sqlalchemy.orm import Session

from flagstaff.accounts.models import Account, LoginSession
from flagstaff.accounts.passwords import Passwords
from flagstaff.accounts.throttle import LoginThrottle, ThrottleRule
from flagstaff.config import Settings
from flagstaff.core import revision
from flagstaff.core.db import utcnow
from flagstaff.core.errors import PasswordMismatchError
from flagstaff.core.keys import Keys

WRONG_CREDENTIALS = (
    "The combination of password and username you provided is invalid. If you have forgotten "
    "your password, get in touch with your instance administrator."
)


@dataclass(frozen=True)
class LoginPolicy:
    session_ttl: timedelta
    throttle: ThrottleRule = field(default_factory=ThrottleRule)

    @classmethod
    def from_settings(cls, settings: Settings) -> LoginPolicy:
        return cls(
            session_ttl=timedelta(hours=settings.session_ttl_hours),
            throttle=ThrottleRule.from_settings(settings),
        )


@dataclass(frozen=True)
class NewSession:
    account: Account
    cookie: str
    session: LoginSession


class LoginService:
    def __init__(
        self, session: Session, passwords: Passwords, policy: LoginPolicy, keys: Keys
    ) -> None:
        self.session = session
        self.passwords = passwords
        self.policy = policy
        self.throttle = LoginThrottle(session, keys, policy.throttle)

    def login(self, login_name: str, password: str, address: str | None) -> Account:
        """Check the password of ``login_name`` tried from ``address``; return the account,
        or raise ``TooManyAttemptsError`` (this address must wait for this name) or
        ``PasswordMismatchError``.

        A failure is flushed before it is raised: the caller commits it, so that the count
        survives the failed request. A refusal to try at all counts nothing and costs no hash,
        for every name alike.
        """
        attempt = self.throttle.begin(login_name, address)
        account = self._find(login_name)
        # Unknown names, service accounts (no hash) and users without a password are checked
        # against the decoy hash, and a disabled account against its own: every failure costs
        # one verification, so neither the answer nor its timing says what the name is.
        hash_ = account.password_hash if account is not None else None
        verified = self.passwords.verify(hash_, password)
        if not verified or account is None or account.disabled_at is not None:
            self.throttle.failed(attempt)
            raise PasswordMismatchError(WRONG_CREDENTIALS)
        self.throttle.succeeded(attempt)
        account.seen_at = utcnow()
        return account

    def start_session(self, account: Account, digest_of: Callable[[str], str]) -> NewSession:
        # Expired rows are refused anyway; clearing them as people log in keeps the table small
        # without a scheduler (one indexed delete).
        self.purge_expired_sessions()
        cookie = secrets.token_urlsafe(32)
        login_session = LoginSession(
            digest=digest_of(cookie),
            account_id=account.id,
            expires_at=utcnow() + self.policy.session_ttl,
        )
        self.session.add(login_session)
        self.session.flush()
        return NewSession(account, cookie, login_session)

    def end_session(self, digest: str) -> None:
        deleted = self.session.execute(delete(LoginSession).where(LoginSession.digest == digest))
        if deleted.rowcount:  # type: ignore[attr-defined]
            revision.bump(self.session)

    def purge_expired_sessions(self) -> int:
        result = self.session.execute(
            delete(LoginSession).where(LoginSession.expires_at <= utcnow())
        )
        return int(result.rowcount)  # type: ignore[attr-defined]

    def _find(self, login_name: str) -> Account | None:
        name = login_name.strip()
        matches = self.session.scalars(
            select(Account).where(
                or_(Account.username == name, Account.email == name.lower()),
                Account.is_service.is_(False),
            )
        ).all()
        # One user's username can be another's e-mail address: the username wins, always.
        by_username = [a for a in matches if a.username == name]
        return next(iter(by_username or matches), None)


def count_sessions(session: Session, account_id: int) -> int:
    return session.execute(
        select(func.count(LoginSession.id)).where(
            LoginSession.account_id == account_id, LoginSession.expires_at > utcnow()
        )
    ).scalar_one()
