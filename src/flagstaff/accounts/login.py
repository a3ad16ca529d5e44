"""Password login, lockout and logout."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.orm import Session

from flagstaff.accounts.models import Account, LoginSession
from flagstaff.accounts.passwords import Passwords
from flagstaff.core import revision
from flagstaff.core.db import utcnow
from flagstaff.core.errors import AccountLockedError, PasswordMismatchError

WRONG_CREDENTIALS = (
    "The combination of password and username you provided is invalid. If you have forgotten "
    "your password, get in touch with your instance administrator."
)


@dataclass(frozen=True)
class LoginPolicy:
    max_attempts: int
    lockout: timedelta
    session_ttl: timedelta


@dataclass(frozen=True)
class NewSession:
    account: Account
    cookie: str
    session: LoginSession


class LoginService:
    def __init__(self, session: Session, passwords: Passwords, policy: LoginPolicy) -> None:
        self.session = session
        self.passwords = passwords
        self.policy = policy

    def login(self, login_name: str, password: str) -> Account:
        """Check the password; return the account or raise.

        A failure is flushed before it is raised: the caller commits it, so that the count of
        failed attempts survives the failed request.
        """
        account = self._find(login_name)
        now = utcnow()
        if account is not None and account.locked_until is not None and account.locked_until > now:
            minutes = max(1, int((account.locked_until - now).total_seconds() // 60) + 1)
            raise AccountLockedError(
                "Too many failed login attempts. The account is locked; "
                f"try again in {minutes} minute{'s' if minutes != 1 else ''}."
            )
        # Service accounts have no password hash, so they fail here like a wrong password; a
        # disabled account fails the same way, its password checked all the same so that the
        # answer and its timing say nothing about the account.
        hash_ = account.password_hash if account is not None else None
        verified = self.passwords.verify(hash_, password)
        if not verified or account is None or account.disabled_at is not None:
            if account is not None:
                self._record_failure(account)
            raise PasswordMismatchError(WRONG_CREDENTIALS)
        account.login_attempts = 0
        account.locked_until = None
        account.seen_at = now
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

    def _record_failure(self, account: Account) -> None:
        # One UPDATE, so concurrent wrong guesses all count.
        self.session.execute(
            update(Account)
            .where(Account.id == account.id)
            .values(login_attempts=Account.login_attempts + 1)
        )
        attempts = self.session.execute(
            select(Account.login_attempts).where(Account.id == account.id)
        ).scalar_one()
        if attempts >= self.policy.max_attempts:
            self.session.execute(
                update(Account)
                .where(Account.id == account.id)
                .values(locked_until=utcnow() + self.policy.lockout, login_attempts=0)
            )
        self.session.flush()


def count_sessions(session: Session, account_id: int) -> int:
    return session.execute(
        select(func.count(LoginSession.id)).where(
            LoginSession.account_id == account_id, LoginSession.expires_at > utcnow()
        )
    ).scalar_one()
