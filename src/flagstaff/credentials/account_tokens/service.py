"""Creating, listing and revoking account tokens (personal and service-account tokens)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from flagstaff.accounts.models import Account
from flagstaff.core.db import utcnow
from flagstaff.core.errors import BadDataError, NameExistsError, NotFoundError, OperationDeniedError
from flagstaff.core.keys import Keys
from flagstaff.credentials.account_tokens import format
from flagstaff.credentials.account_tokens.models import AccountToken
from flagstaff.events.service import Actor, EventService

DIGEST_PURPOSE = "account-token"


class TokenOwnerKind(StrEnum):
    PERSONAL = "personal"
    SERVICE_ACCOUNT = "service-account"

    @property
    def created_event(self) -> str:
        return "pat-created" if self is TokenOwnerKind.PERSONAL else "service-account-token-created"

    @property
    def deleted_event(self) -> str:
        return "pat-deleted" if self is TokenOwnerKind.PERSONAL else "service-account-token-deleted"


@dataclass(frozen=True)
class IssuedToken:
    token: AccountToken
    secret: str  # returned once, in the create response, and never stored


class AccountTokenService:
    def __init__(self, session: Session, keys: Keys, limit: int) -> None:
        self.session = session
        self.keys = keys
        self.limit = limit
        self.events = EventService(session)

    def list_for(self, account_id: int) -> list[AccountToken]:
        return list(
            self.session.scalars(
                select(AccountToken)
                .where(AccountToken.account_id == account_id)
                .order_by(AccountToken.id)
            )
        )

    def tokens_by_account(self, account_ids: list[int]) -> dict[int, list[AccountToken]]:
        grouped: dict[int, list[AccountToken]] = {account_id: [] for account_id in account_ids}
        rows = self.session.scalars(
            select(AccountToken)
            .where(AccountToken.account_id.in_(account_ids))
            .order_by(AccountToken.id)
        )
        for row in rows:
            grouped[row.account_id].append(row)
        return grouped

    def create(
        self,
        actor: Actor,
        owner: Account,
        kind: TokenOwnerKind,
        description: str,
        expires_at: datetime,
    ) -> IssuedToken:
        description = description.strip()
        if not description:
            raise BadDataError("PAT description cannot be empty.")
        if expires_at <= utcnow():
            raise BadDataError("The expiry date should be in future.")
        self._lock_owner(owner.id)
        if self._count(owner.id) >= self.limit:
            raise OperationDeniedError(f"Too many PATs ({self.limit}) already exist for this user.")
        secret = format.generate()
        token = AccountToken(
            account_id=owner.id,
            description=description,
            digest=self.keys.digest(DIGEST_PURPOSE, secret),
            hint=format.hint(secret),
            expires_at=expires_at,
        )
        self.session.add(token)
        try:
            with self.session.begin_nested():
                self.session.flush()
        except IntegrityError:
            raise NameExistsError("PAT description already exists.") from None
        self.events.record(actor, kind.created_event, data=_audit_data(token, kind))
        return IssuedToken(token, secret)

    def delete(self, actor: Actor, owner_id: int, token_id: int, kind: TokenOwnerKind) -> None:
        token = self.session.scalars(
            select(AccountToken).where(
                AccountToken.id == token_id, AccountToken.account_id == owner_id
            )
        ).first()
        if token is None:
            raise NotFoundError(f"Could not find a token with id {token_id}")
        data = _audit_data(token, kind)
        self.session.execute(delete(AccountToken).where(AccountToken.id == token.id))
        self.events.record(actor, kind.deleted_event, data=data, pre_data=data)

    def _lock_owner(self, account_id: int) -> None:
        # Serializes token creation per account, so concurrent requests cannot pass the limit.
        # (SQLite has no row locks; its write transactions are serialized by BEGIN IMMEDIATE.)
        self.session.execute(select(Account.id).where(Account.id == account_id).with_for_update())

    def _count(self, account_id: int) -> int:
        return self.session.execute(
            select(func.count()).where(AccountToken.account_id == account_id)
        ).scalar_one()


def _audit_data(token: AccountToken, kind: TokenOwnerKind) -> dict[str, object]:
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
    return data


def flush_seen(session: Session, token_ids: set[int], when: datetime) -> None:
    session.execute(
        update(AccountToken).where(AccountToken.id.in_(sorted(token_ids))).values(seen_at=when)
    )
