"""Resolving ``user:`` tokens to the owning account's Principal (plugged into the resolver)."""

from __future__ import annotations

import hmac
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from flagstaff.accounts.models import Account
from flagstaff.credentials.account_tokens import format
from flagstaff.credentials.account_tokens.models import AccountToken
from flagstaff.credentials.account_tokens.service import DIGEST_PURPOSE
from flagstaff.credentials.resolver import account_principal
from flagstaff.rbac.principal import CredentialKind, Principal


class AccountTokenAuthenticator:
    purpose = DIGEST_PURPOSE

    def matches(self, token: str) -> bool:
        return format.is_account_token(token)

    def well_formed(self, token: str) -> bool:
        return format.well_formed(token)

    def load(self, session: Session, digest: str, now: datetime) -> Principal | None:
        row = session.execute(
            select(AccountToken, Account)
            .join(Account, Account.id == AccountToken.account_id)
            .where(AccountToken.digest == digest)
        ).first()
        if row is None:
            return None
        token, account = row
        if not hmac.compare_digest(token.digest, digest):
            return None
        kind = (
            CredentialKind.SERVICE_ACCOUNT_TOKEN
            if account.is_service
            else CredentialKind.PERSONAL_TOKEN
        )
        # An expired token is cached with its expiry, so the cache refuses it without a query.
        return account_principal(
            session, account, kind, expires_at=token.expires_at, credential_id=token.id
        )
