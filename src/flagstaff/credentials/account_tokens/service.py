"""Issuing, listing, disabling and revoking account tokens (personal and service-account tokens).

Revoking keeps the row as a record (when, by whom, why); so does Unleash's ``DELETE``, which
answers as it always did. Rotation is in ``rotation``; the admin-wide views in ``inventory``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from functools import cached_property
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from flagstaff.accounts.models import Account
from flagstaff.config import Settings
from flagstaff.core.db import batches, engine_insert, utcnow
from flagstaff.core.errors import (
    BadDataError,
    ConflictError,
    NameExistsError,
    NotFoundError,
    OperationDeniedError,
)
from flagstaff.core.keys import Keys
from flagstaff.credentials.account_tokens import format
from flagstaff.credentials.account_tokens.lifetimes import TokenPolicy, current_policy
from flagstaff.credentials.account_tokens.models import AccountToken, TokenClientIp
from flagstaff.credentials.account_tokens.scopes import ensure_can_scope, scope_json
from flagstaff.credentials.account_tokens.states import TokenState, listed, state_of
from flagstaff.events.service import Actor, EventService
from flagstaff.rbac.principal import Principal, TokenScope

DIGEST_PURPOSE = "account-token"


class TokenOwnerKind(StrEnum):
    PERSONAL = "personal"
    SERVICE_ACCOUNT = "service-account"

    @classmethod
    def of(cls, account: Account) -> TokenOwnerKind:
        return cls.SERVICE_ACCOUNT if account.is_service else cls.PERSONAL

    def event(self, action: str) -> str:
        """``pat-<action>`` or ``service-account-token-<action>``, as Unleash names them."""
        if self is TokenOwnerKind.PERSONAL:
            return f"pat-{action}"
        return f"service-account-token-{action}"


class RevokeReason(StrEnum):
    DELETED = "deleted"  # Unleash's DELETE route
    REVOKED = "revoked"  # an admin's bulk revocation
    REUSE = "reuse-detected"  # a retired member of its family was presented
    UNUSED = "unused"  # the stale-token policy
    LEAKED = "leak-reported"  # someone reported the secret exposed


@dataclass(frozen=True)
class IssuedToken:
    token: AccountToken
    secret: str  # returned once, in the create response, and never stored


@dataclass(frozen=True)
class NewToken:
    description: str
    expires_at: datetime
    self_rotation: bool = False
    scope: TokenScope | None = None


@dataclass(frozen=True)
class Federation:
    """Where a federated token comes from: the ID token's issuer and subject, and the policy."""

    issuer: str
    subject: str
    trust_policy_id: int
    scopes: dict[str, Any] | None = None


class AccountTokenService:
    def __init__(self, session: Session, keys: Keys, settings: Settings) -> None:
        self.session = session
        self.keys = keys
        self.settings = settings
        self.events = EventService(session)

    @cached_property
    def policy(self) -> TokenPolicy:
        return current_policy(self.session, self.settings)

    def list_for(self, account_id: int, *, retired: bool = False) -> list[AccountToken]:
        """The account's tokens as lists show them, or (``retired``) its revoked and
        rotated-out records instead."""
        return self.tokens_by_account([account_id], retired=retired)[account_id]

    def tokens_by_account(
        self, account_ids: list[int], *, retired: bool = False
    ) -> dict[int, list[AccountToken]]:
        grouped: dict[int, list[AccountToken]] = {account_id: [] for account_id in account_ids}
        now = utcnow()
        rows = self.session.execute(
            select(AccountToken, Account.disabled_at.is_not(None))
            .join(Account, Account.id == AccountToken.account_id)
            .where(AccountToken.account_id.in_(account_ids))
            .order_by(AccountToken.id)
        )
        for token, account_disabled in rows:
            shown = listed(self.state(token, account_disabled, now), token, now)
            if shown != retired:
                grouped[token.account_id].append(token)
        return grouped

    def state(self, token: AccountToken, account_disabled: bool, now: datetime) -> TokenState:
        return state_of(token, account_disabled, self.policy, now)

    def get(self, owner_id: int, token_id: int, *, lock: bool = True) -> AccountToken:
        """One token of ``owner_id``, locked for the rest of the transaction unless only read.
        Another account's token is "not found": whether it exists is none of the caller's
        business."""
        statement = select(AccountToken).where(
            AccountToken.id == token_id, AccountToken.account_id == owner_id
        )
        token = self.session.scalars(statement.with_for_update() if lock else statement).first()
        if token is None:
            raise NotFoundError(f"Could not find a token with id {token_id}")
        return token

    def create(
        self, actor: Actor, owner: Account, new: NewToken, creator: Principal | None = None
    ) -> IssuedToken:
        """A new token for ``owner``. ``creator`` (the caller; None for the system) may not
        scope it to a permission it does not hold."""
        description = new.description.strip()
        if not description:
            raise BadDataError("PAT description cannot be empty.")
        now = utcnow()
        if new.expires_at <= now:
            raise BadDataError("The expiry date should be in future.")
        self.policy.refuse_expiry(new.expires_at, now)
        if new.scope is not None and creator is not None:
            ensure_can_scope(creator, new.scope)
        self._lock_owner(owner.id)
        if self._count(owner.id) >= self.settings.max_tokens_per_account:
            raise OperationDeniedError(
                f"Too many PATs ({self.settings.max_tokens_per_account}) already exist for this "
                "user."
            )
        scopes = scope_json(new.scope)
        issued = self.insert(owner.id, description, new.expires_at, new.self_rotation, None, scopes)
        kind = TokenOwnerKind.of(owner)
        self.events.record(actor, kind.event("created"), data=audit_data(issued.token, kind))
        return issued

    def insert(
        self,
        owner_id: int,
        description: str,
        expires_at: datetime,
        self_rotation: bool,
        family_id: int | None,
        scopes: dict[str, Any] | None,
    ) -> IssuedToken:
        """A new row with a new secret; the description must be free among live tokens."""
        secret = format.generate()
        token = AccountToken(
            account_id=owner_id,
            description=description,
            digest=self.keys.digest(DIGEST_PURPOSE, secret),
            hint=format.hint(secret),
            expires_at=expires_at,
            self_rotation=self_rotation,
            family_id=family_id,
            scopes=scopes,
        )
        self.session.add(token)
        try:
            with self.session.begin_nested():
                self.session.flush()
        except IntegrityError:
            raise NameExistsError("PAT description already exists.") from None
        if token.family_id is None:
            token.family_id = token.id
            self.session.flush()
        return IssuedToken(token, secret)

    def insert_federated(
        self, owner: Account, description: str, expires_at: datetime, federation: Federation
    ) -> IssuedToken:
        """A token the OIDC exchange mints (``credentials.federation``): of the usual format,
        marked with the issuer, subject and trust policy, scoped as the policy says. It does not
        count towards the account's token limit (it lives an hour at most); the exchange records
        its event."""
        issued = self.insert(owner.id, description, expires_at, False, None, federation.scopes)
        token = issued.token
        token.federated_issuer = federation.issuer
        token.federated_subject = federation.subject
        token.trust_policy_id = federation.trust_policy_id
        self.session.flush()
        return issued

    def delete(self, actor: Actor, owner: Account, token_id: int) -> None:
        """Unleash's DELETE: the token stops working at once; its record stays."""
        token = self.get(owner.id, token_id)
        if token.revoked_at is not None:
            raise NotFoundError(f"Could not find a token with id {token_id}")
        kind = TokenOwnerKind.of(owner)
        data = audit_data(token, kind)
        self.revoke(actor, [token], RevokeReason.DELETED, event=None)
        self.events.record(actor, kind.event("deleted"), data=data, pre_data=data)

    def revoke(
        self,
        actor: Actor,
        tokens: Iterable[AccountToken],
        reason: RevokeReason,
        *,
        event: str | None = "revoked",
    ) -> None:
        """Mark ``tokens`` revoked (a rotated one's grace window ends with it), each with an
        ``-<event>`` event unless the caller records its own."""
        now = utcnow()
        owners: dict[int, Account] = {}
        for token in tokens:
            token.revoked_at = now
            token.revoked_by = actor.name
            token.revoke_reason = reason.value
            if event is not None:
                owner = owners.get(token.account_id) or self.session.get(Account, token.account_id)
                assert owner is not None
                owners[token.account_id] = owner
                kind = TokenOwnerKind.of(owner)
                data = {**audit_data(token, kind), "reason": reason.value}
                self.events.record(actor, kind.event(event), data=data)
        self.session.flush()

    def set_disabled(self, actor: Actor, owner: Account, token_id: int, disabled: bool) -> None:
        token = self.get(owner.id, token_id)
        if token.revoked_at is not None:
            raise ConflictError("This token has been revoked; it cannot be disabled or enabled.")
        if (token.disabled_at is not None) == disabled:
            return
        token.disabled_at = utcnow() if disabled else None
        token.disabled_by = actor.name if disabled else None
        self.session.flush()
        kind = TokenOwnerKind.of(owner)
        action = "disabled" if disabled else "enabled"
        self.events.record(actor, kind.event(action), data=audit_data(token, kind))

    def set_self_rotation(self, actor: Actor, owner: Account, token_id: int, allowed: bool) -> None:
        token = self.get(owner.id, token_id)
        if token.revoked_at is not None or token.rotated_at is not None:
            raise ConflictError("Only a live token (not rotated, not revoked) can be changed.")
        if token.federated_issuer is not None and allowed:
            raise ConflictError("A federated token cannot rotate itself: it is exchanged anew.")
        if token.self_rotation == allowed:
            return
        token.self_rotation = allowed
        self.session.flush()
        kind = TokenOwnerKind.of(owner)
        self.events.record(actor, kind.event("updated"), data=audit_data(token, kind))

    def _lock_owner(self, account_id: int) -> None:
        # Serializes token creation per account, so concurrent requests cannot pass the limit.
        # (SQLite has no row locks; its write transactions are serialized by BEGIN IMMEDIATE.)
        self.session.execute(select(Account.id).where(Account.id == account_id).with_for_update())

    def _count(self, account_id: int) -> int:
        """Tokens that count towards the limit: live ones, expired included (as Unleash's),
        except federated tokens, which the exchange mints by the hour and which expire by it."""
        return self.session.execute(
            select(func.count()).where(
                AccountToken.account_id == account_id,
                AccountToken.revoked_at.is_(None),
                AccountToken.rotated_at.is_(None),
                AccountToken.federated_issuer.is_(None),
            )
        ).scalar_one()


def audit_data(token: AccountToken, kind: TokenOwnerKind) -> dict[str, object]:
    data: dict[str, object] = {
        "id": token.id,
        "description": token.description,
        "expiresAt": token.expires_at.isoformat(),
        "secure": True,
    }
    if kind is TokenOwnerKind.SERVICE_ACCOUNT:
        data["ownerId"] = token.account_id
    else:
        data["userId"] = token.account_id
    if token.family_id is not None and token.family_id != token.id:
        data["familyId"] = token.family_id
    if token.federated_issuer is not None:
        data["federated"] = federation_out(token)
    return data


def federation_out(token: AccountToken) -> dict[str, object] | None:
    """Where a federated token came from, as lists and events show it; None for others."""
    if token.federated_issuer is None:
        return None
    return {
        "issuer": token.federated_issuer,
        "subject": token.federated_subject,
        "trustPolicyId": token.trust_policy_id,
    }


KEPT_ADDRESSES = 5


def flush_addresses(session: Session, addresses: dict[int, set[str]], when: datetime) -> None:
    """Record where each token was used from, keeping its last five distinct addresses. Tokens
    purged since they were used are skipped."""
    existing = set(
        session.scalars(select(AccountToken.id).where(AccountToken.id.in_(sorted(addresses))))
    )
    used = sorted(token_id for token_id in addresses if token_id in existing)
    rows = [
        {"token_id": token_id, "ip": ip, "last_seen_at": when}
        for token_id in used
        for ip in sorted(addresses[token_id])
    ]
    if not rows:
        return
    insert = engine_insert(session, TokenClientIp)
    session.execute(
        insert.on_conflict_do_update(
            index_elements=["token_id", "ip"], set_={"last_seen_at": insert.excluded.last_seen_at}
        ),
        rows,
    )
    for token_id in used:
        newest = (
            select(TokenClientIp.ip)
            .where(TokenClientIp.token_id == token_id)
            .order_by(TokenClientIp.last_seen_at.desc(), TokenClientIp.ip)
            .limit(KEPT_ADDRESSES)
        )
        session.execute(
            delete(TokenClientIp).where(
                TokenClientIp.token_id == token_id,
                TokenClientIp.ip.not_in(newest.scalar_subquery()),
            )
        )


def addresses_of(session: Session, token_ids: list[int]) -> dict[int, list[TokenClientIp]]:
    """Each token's recorded client addresses, the most recent first."""
    found: dict[int, list[TokenClientIp]] = {token_id: [] for token_id in token_ids}
    for batch in batches(sorted(set(token_ids))):
        rows = session.scalars(
            select(TokenClientIp)
            .where(TokenClientIp.token_id.in_(batch))
            .order_by(TokenClientIp.last_seen_at.desc(), TokenClientIp.ip)
        )
        for row in rows:
            found[row.token_id].append(row)
    return found


def flush_seen(session: Session, token_ids: set[int], when: datetime) -> None:
    session.execute(
        update(AccountToken).where(AccountToken.id.in_(sorted(token_ids))).values(seen_at=when)
    )
