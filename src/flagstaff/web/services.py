"""The services pages use, built from the request's session and the process's context."""

from __future__ import annotations

from sqlalchemy.orm import Session

from flagstaff.accounts.service import AccountService
from flagstaff.context import AppContext
from flagstaff.service_accounts.service import ServiceAccountService
from flagstaff.tokens.service import AccountTokenService


def account_tokens(db: Session, context: AppContext) -> AccountTokenService:
    return AccountTokenService(db, context.keys, context.settings.max_tokens_per_account)


def service_accounts(db: Session, context: AppContext) -> ServiceAccountService:
    return ServiceAccountService(db, context.passwords, account_tokens(db, context))


def accounts(db: Session, context: AppContext) -> AccountService:
    return AccountService(db, context.passwords)
