"""Account tokens: personal access tokens and service-account tokens share one table, as in
Unleash. Only a keyed hash of the secret is stored.

A token is never forgotten while it matters: revoking (also through Unleash's ``DELETE``) and
rotating keep the row, with when, by whom and why, for the retention period; its digest can never
authenticate again. Rotation links a token to its successor; the tokens rotated from one original
form a family (``family_id``, the original's id), which is revoked whole when a retired member is
presented again.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, false, text
from sqlalchemy.orm import Mapped, mapped_column

from flagstaff.core.db import Base, JSONType, UTCDateTime, utcnow

# A description names one live token of an account: live tokens are neither revoked nor rotated
# (a rotated token's successor carries its description on).
LIVE = "revoked_at IS NULL AND rotated_at IS NULL"


class AccountToken(Base):
    __tablename__ = "personal_access_tokens"
    __table_args__ = (
        # The database, not a read-then-insert, keeps descriptions unique per account.
        Index(
            "uq_personal_access_tokens_live_description",
            "account_id",
            "description",
            unique=True,
            sqlite_where=text(LIVE),
            postgresql_where=text(LIVE),
        ),
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
    # The id of the first token of its rotation family (its own id for an original); set in
    # the transaction that creates the token, right after the insert gives it an id.
    family_id: Mapped[int | None] = mapped_column(Integer, index=True)
    # May this token rotate itself (POST /api/admin/user/tokens/self/rotate)? An admin decides.
    self_rotation: Mapped[bool] = mapped_column(
        Boolean, nullable=False, default=False, server_default=false()
    )
    disabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    disabled_by: Mapped[str | None] = mapped_column(String(255))
    rotated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # A rotated token keeps working until then (never later than its own expiry).
    grace_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    successor_id: Mapped[int | None] = mapped_column(
        ForeignKey("personal_access_tokens.id", ondelete="SET NULL")
    )
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    revoked_by: Mapped[str | None] = mapped_column(String(255))
    revoke_reason: Mapped[str | None] = mapped_column(String(255))
    # When the "-token-expiring" event was recorded: once per token.
    expiry_notified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # What the token may do, narrower than its account (``scopes.TokenScopes.as_json``); None:
    # everything its account may do, as in Unleash. Never widened after creation.
    scopes: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    # A federated token (minted by the OIDC exchange, ``credentials.federation``): the issuer
    # and subject of the ID token it was exchanged for, and the trust policy that matched (None
    # once that policy is deleted; the issuer and subject stay). None for every other token.
    federated_issuer: Mapped[str | None] = mapped_column(String(2048))
    federated_subject: Mapped[str | None] = mapped_column(String(1024))
    trust_policy_id: Mapped[int | None] = mapped_column(
        ForeignKey("trust_policies.id", ondelete="SET NULL"), index=True
    )

    @property
    def federated(self) -> bool:
        return self.federated_issuer is not None


class TokenClientIp(Base):
    """The last distinct client addresses a token was used from, with when each was last seen:
    written by the batched seen-at flush, never per request."""

    __tablename__ = "token_client_ips"

    token_id: Mapped[int] = mapped_column(
        ForeignKey("personal_access_tokens.id", ondelete="CASCADE"), primary_key=True
    )
    ip: Mapped[str] = mapped_column(String(64), primary_key=True)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
