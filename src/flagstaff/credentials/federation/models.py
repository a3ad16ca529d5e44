"""Trust policies of service accounts, and the ID tokens the exchange has accepted.

A policy belongs to one service account and goes with it (``ON DELETE CASCADE``). Accepted ID
tokens are remembered by a digest of issuer and ``jti`` until the ID token expires, so that every
server process refuses a replay together.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from flagstaff.core.db import Base, JSONType, UTCDateTime, utcnow

MAX_ISSUER = 2048
MAX_AUDIENCE = 1024
POLICY_NAME = 255


class TrustPolicy(Base):
    __tablename__ = "trust_policies"
    __table_args__ = (
        UniqueConstraint("account_id", "name"),
        CheckConstraint("max_lifetime_seconds > 0", name="max_lifetime_positive"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True
    )
    # Names the policy among its account's: what a provisioning file and the UI refer to.
    name: Mapped[str] = mapped_column(String(POLICY_NAME), nullable=False)
    issuer: Mapped[str] = mapped_column(String(MAX_ISSUER), nullable=False)
    audience: Mapped[str] = mapped_column(String(MAX_AUDIENCE), nullable=False)
    # Claim name -> exact value or glob pattern; every one must match.
    conditions: Mapped[dict[str, str]] = mapped_column(JSONType, nullable=False)
    max_lifetime_seconds: Mapped[int] = mapped_column(Integer, nullable=False)
    # The scopes of the tokens it mints (``account_tokens.scopes.scope_json``); None: unscoped.
    scopes: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    created_by: Mapped[str | None] = mapped_column(String(255))
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class AcceptedIdToken(Base):
    """An ID token the exchange accepted, by SHA-256 of issuer and ``jti``, until it expires."""

    __tablename__ = "accepted_id_tokens"

    digest: Mapped[str] = mapped_column(String(64), primary_key=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, index=True)
