"""Accounts: human users and service accounts share one table, as in Unleash."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from flagstaff.core.db import Base, UTCDateTime, utcnow
from flagstaff.rbac.models import Role

MAX_NAME_LENGTH = 255


class Account(Base):
    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint("username IS NOT NULL OR email IS NOT NULL", name="has_login_name"),
        # A service account has no password and no e-mail: it can never log in.
        CheckConstraint(
            "NOT is_service OR (password_hash IS NULL AND email IS NULL)",
            name="service_has_no_password",
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str | None] = mapped_column(String(MAX_NAME_LENGTH))
    username: Mapped[str | None] = mapped_column(String(MAX_NAME_LENGTH), unique=True)
    email: Mapped[str | None] = mapped_column(String(MAX_NAME_LENGTH), unique=True)
    password_hash: Mapped[str | None] = mapped_column(Text)
    is_service: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    root_role_id: Mapped[int] = mapped_column(
        ForeignKey("roles.id", ondelete="RESTRICT"), nullable=False, index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by_user_id: Mapped[int | None] = mapped_column(Integer)
    # A disabled account keeps everything but can do nothing: no login, no session, no token.
    disabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    root_role: Mapped[Role] = relationship(lazy="joined")

    @property
    def account_type(self) -> str:
        return "Service Account" if self.is_service else "User"

    @property
    def audit_name(self) -> str:
        """What the event log shows for this account: e-mail, else username (as Unleash)."""
        return self.email or self.username or f"account-{self.id}"


class LoginSession(Base):
    """A login session, stored so that logout and account deletion end it in every process."""

    __tablename__ = "sessions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # HMAC of the cookie value: a database dump holds no usable session.
    digest: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    account_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, index=True)


class LoginFailures(Base):
    """Failed logins of one login name from one client address, or (``address`` empty) from
    every address together: what ``accounts.throttle`` decides with. Keyed by a digest of the
    name, since people type passwords into the name field too; for every name alike, whether
    an account has it or not."""

    __tablename__ = "login_failures"
    __table_args__ = (
        UniqueConstraint("name_digest", "address"),
        CheckConstraint("failures >= 0", name="failures_not_negative"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name_digest: Mapped[str] = mapped_column(String(64), nullable=False)
    address: Mapped[str] = mapped_column(String(64), nullable=False)
    failures: Mapped[int] = mapped_column(Integer, nullable=False)
    # The first failure of the current window; the count starts over once the window is past.
    window_start: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, index=True)
    last_failure_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
