"""Account tokens: personal access tokens and service-account tokens share one table, as in
Unleash. Only a keyed hash of the secret is stored."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from flagstaff.core.db import Base, UTCDateTime, utcnow


class AccountToken(Base):
    __tablename__ = "personal_access_tokens"
    __table_args__ = (
        # The database, not a read-then-insert, keeps descriptions unique per account.
        UniqueConstraint("account_id", "description", name="uq_personal_access_tokens_description"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True
    )
    description: Mapped[str] = mapped_column(String(255), nullable=False)
    # HMAC-SHA256 of the secret under the server key: a database dump reveals no usable token.
    digest: Mapped[str] = mapped_column(String(64), nullable=False, unique=True)
    hint: Mapped[str] = mapped_column(String(32), nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
