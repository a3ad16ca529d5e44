"""Rotating an account token without downtime, and noticing a stolen one.

A rotation creates a successor: the same description and self-rotation setting, a new secret
shown once, and a new expiry (the one asked for, else the old token's lifetime, capped by the
policy). The old token keeps working for the grace window asked for (0 to 7 days, never past
its own expiry); lists show it as rotated until then.

Rotated tokens form a family. Presenting a member after its grace window ended, or having a
rotated-out member rotate itself again, is what a stolen copy does: every token of the family is
revoked at once and ``token-reuse-detected`` names the family, the token and the client's IP.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from flagstaff.accounts.models import Account
from flagstaff.core.db import utcnow
from flagstaff.core.errors import BadDataError, ConflictError, OperationDeniedError
from flagstaff.credentials.account_tokens.models import AccountToken
from flagstaff.credentials.account_tokens.service import (
    AccountTokenService,
    IssuedToken,
    RevokeReason,
    TokenOwnerKind,
    audit_data,
)
from flagstaff.events.service import SYSTEM, Actor, EventService

MAX_GRACE_SECONDS = 7 * 24 * 3600
REUSE_EVENT = "token-reuse-detected"
REUSED_MESSAGE = (
    "This token was replaced by rotation and may no longer be used. Presenting it again is what "
    "a stolen copy would do, so every token rotated from it has been revoked; ask an admin for "
    "a new one."
)


@dataclass(frozen=True)
class Rotation:
    grace_seconds: int = 0
    expires_at: datetime | None = None


class TokenReusedError(Exception):
    """A rotated-out token rotated itself again: its family was revoked in this transaction.
    The route answers 401 and still commits, so the revocation stands."""


class TokenRotation:
    def __init__(self, tokens: AccountTokenService) -> None:
        self.tokens = tokens
        self.session = tokens.session

    def rotate(
        self, actor: Actor, owner: Account, token_id: int, rotation: Rotation
    ) -> IssuedToken:
        """An admin's (or a token owner's) rotation. A token already rotated answers 409: two
        rotations at once give one successor, and the other learns which one."""
        token = self.tokens.get(owner.id, token_id)
        _ensure_live(token)
        _ensure_not_federated(token)
        return self._rotate(actor, owner, token, rotation)

    def rotate_self(
        self,
        actor: Actor,
        owner: Account,
        token_id: int,
        rotation: Rotation,
        *,
        known_rotated: bool,
        ip: str | None,
    ) -> IssuedToken:
        """The token rotating itself. ``known_rotated``: the request authenticated with a token
        already in its grace window. Such a token rotating again is treated as stolen; one
        rotated while this request was on its way (two copies of a pipeline racing) is a 409."""
        token = self.tokens.get(owner.id, token_id)
        _ensure_not_federated(token)
        if not token.self_rotation:
            raise OperationDeniedError(
                "This token may not rotate itself: an admin can allow it (selfRotation)."
            )
        if token.rotated_at is not None and token.revoked_at is None and known_rotated:
            revoke_family(self.session, token, ip)
            raise TokenReusedError(REUSED_MESSAGE)
        _ensure_live(token)
        return self._rotate(actor, owner, token, rotation)

    def _rotate(
        self, actor: Actor, owner: Account, token: AccountToken, rotation: Rotation
    ) -> IssuedToken:
        if not 0 <= rotation.grace_seconds <= MAX_GRACE_SECONDS:
            raise BadDataError(f"graceSeconds must be between 0 and {MAX_GRACE_SECONDS} (7 days).")
        now = utcnow()
        expires_at = self._successor_expiry(token, rotation, now)
        token.rotated_at = now
        token.grace_until = min(now + timedelta(seconds=rotation.grace_seconds), token.expires_at)
        self.session.flush()  # frees the description for the successor
        issued = self.tokens.insert(
            owner.id,
            token.description,
            expires_at,
            token.self_rotation,
            token.family_id,
            token.scopes,  # a successor keeps its predecessor's scopes: never wider
        )
        token.successor_id = issued.token.id
        self.session.flush()
        kind = TokenOwnerKind.of(owner)
        data = {
            **audit_data(issued.token, kind),
            "previousId": token.id,
            "familyId": token.family_id,
            "previousValidUntil": token.grace_until.isoformat(),
        }
        self.tokens.events.record(actor, kind.event("rotated"), data=data)
        return issued

    def _successor_expiry(self, token: AccountToken, rotation: Rotation, now: datetime) -> datetime:
        policy = self.tokens.policy
        if rotation.expires_at is not None:
            if rotation.expires_at <= now:
                raise BadDataError("The expiry date should be in future.")
            policy.refuse_expiry(rotation.expires_at, now)
            return rotation.expires_at
        lifetime = max(token.expires_at - token.created_at, timedelta(minutes=1))
        expires_at = policy.capped_expiry(now + lifetime, now)
        if not policy.allow_never_expires and expires_at - now > timedelta(days=365 * 100):
            raise BadDataError(
                "The token lifetime policy does not allow tokens that never expire: choose an "
                "expiry date (expiresAt) for the successor."
            )
        return expires_at


def _ensure_not_federated(token: AccountToken) -> None:
    # A federated token lives as long as its trust policy allows; a successor would outlive it.
    if token.federated_issuer is not None:
        raise ConflictError(
            "A federated token cannot be rotated: exchange a new ID token for a new token."
        )


def _ensure_live(token: AccountToken) -> None:
    if token.revoked_at is not None:
        raise ConflictError("This token has been revoked; it cannot be rotated.")
    if token.rotated_at is not None:
        raise ConflictError(
            f"This token was already rotated; its successor is token {token.successor_id}. "
            "Rotate that one instead."
        )


def revoke_family(session: Session, presented: AccountToken, ip: str | None) -> bool:
    """Revoke every live token of ``presented``'s family and record ``token-reuse-detected``,
    once: a second detection (another request, another process) finds nothing left to revoke."""
    family = list(
        session.scalars(
            select(AccountToken)
            .where(AccountToken.family_id == presented.family_id, AccountToken.revoked_at.is_(None))
            .order_by(AccountToken.id)
            .with_for_update()
        )
    )
    if not family:
        return False
    now = utcnow()
    for member in family:
        member.revoked_at = now
        member.revoked_by = SYSTEM.name
        member.revoke_reason = RevokeReason.REUSE.value
    session.flush()
    owner = session.get(Account, presented.account_id)
    data: dict[str, object] = {
        "familyId": presented.family_id,
        "tokenId": presented.id,
        "description": presented.description,
        "ip": ip,
        "revokedIds": [member.id for member in family],
    }
    if owner is not None:
        key = "ownerId" if owner.is_service else "userId"
        data[key] = owner.id
    EventService(session).record(Actor(SYSTEM.name, SYSTEM.user_id, ip), REUSE_EVENT, data=data)
    return True


def report_reuse(session: Session, token_id: int, ip: str | None) -> None:
    """What presenting a rotated-out token after its grace window sets off (in a transaction of
    its own): the family is revoked, unless that already happened."""
    token = session.get(AccountToken, token_id)
    if token is not None and token.revoked_at is None:
        revoke_family(session, token, ip)
