"""Resolving ``user:`` tokens to the owning account's Principal (plugged into the resolver).

Runs only on a cache miss; what it answers (a principal or a refusal) is cached until the
revision moves, so a state change anywhere reaches every process within a poll interval.
"""

from __future__ import annotations

import hmac
from datetime import datetime
from functools import partial

from sqlalchemy import select
from sqlalchemy.orm import Session

from flagstaff.accounts.models import Account
from flagstaff.config import Settings
from flagstaff.core.db import Database
from flagstaff.credentials.account_tokens import format
from flagstaff.credentials.account_tokens.lifetimes import current_policy
from flagstaff.credentials.account_tokens.models import AccountToken
from flagstaff.credentials.account_tokens.rotation import REUSED_MESSAGE, report_reuse
from flagstaff.credentials.account_tokens.scopes import scope_from_json
from flagstaff.credentials.account_tokens.service import DIGEST_PURPOSE
from flagstaff.credentials.refusal import Refusal
from flagstaff.credentials.resolver import account_principal
from flagstaff.rbac.principal import CredentialKind, Principal

REVOKED = Refusal("This token has been revoked.")
DISABLED = Refusal("This token is disabled. Its owner or an admin can enable it again.")
ACCOUNT_DISABLED = Refusal("The account this token belongs to is disabled.")


class AccountTokenAuthenticator:
    purpose = DIGEST_PURPOSE

    def __init__(self, database: Database, settings: Settings) -> None:
        self._database = database
        self._settings = settings

    def matches(self, token: str) -> bool:
        return format.is_account_token(token)

    def well_formed(self, token: str) -> bool:
        return format.well_formed(token)

    def load(self, session: Session, digest: str, now: datetime) -> Principal | Refusal | None:
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
        refusal = self._refusal(session, token, account, now)
        if refusal is not None:
            return refusal
        kind = (
            CredentialKind.SERVICE_ACCOUNT_TOKEN
            if account.is_service
            else CredentialKind.PERSONAL_TOKEN
        )
        rotated_until = token.grace_until if token.rotated_at is not None else None
        expires_at = min(token.expires_at, rotated_until or token.expires_at)
        # An expired token is cached with its expiry, so the cache refuses it without a query.
        return account_principal(
            session,
            account,
            kind,
            expires_at=expires_at,
            credential_id=token.id,
            issued_at=token.created_at,
            rotated_until=rotated_until,
            scope=scope_from_json(token.scopes),
            hint=token.hint,
        )

    def _refusal(
        self, session: Session, token: AccountToken, account: Account, now: datetime
    ) -> Refusal | None:
        if token.revoked_at is not None:
            return REVOKED
        grace_over = token.grace_until is not None and token.grace_until <= now < token.expires_at
        if token.rotated_at is not None and grace_over:
            return Refusal(REUSED_MESSAGE, partial(self._report_reuse, token.id))
        if account.disabled_at is not None:
            return ACCOUNT_DISABLED
        if token.disabled_at is not None:
            return DISABLED
        blocked = current_policy(session, self._settings).blocks(token.created_at, token.expires_at)
        return Refusal(blocked) if blocked is not None else None

    def _report_reuse(self, token_id: int, ip: str | None) -> None:
        with self._database.transaction() as session:
            report_reuse(session, token_id, ip)
