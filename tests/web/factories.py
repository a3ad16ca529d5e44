"""Service accounts, tokens and projects for web tests, made through the real services."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from flagstaff.accounts.service import AccountService
from flagstaff.core.db import utcnow
from flagstaff.credentials.account_tokens.lifetimes import TokenPolicy, store_policy
from flagstaff.credentials.account_tokens.models import AccountToken, TokenClientIp
from flagstaff.credentials.account_tokens.service import AccountTokenService, NewToken
from flagstaff.credentials.resolver import account_principal
from flagstaff.events.service import SYSTEM
from flagstaff.flags.projects.access import ProjectAccessService
from flagstaff.flags.projects.service import ProjectFields, ProjectService
from flagstaff.http.context import AppContext
from flagstaff.rbac.predefined import ADMIN_ROLE_ID
from flagstaff.rbac.principal import CredentialKind, Principal, TokenScope
from flagstaff.service_accounts.service import ServiceAccountService


@dataclass
class ServiceAccountHandle:
    id: int
    username: str
    name: str


def _services(session: Session, context: AppContext) -> ServiceAccountService:
    tokens = AccountTokenService(session, context.keys, context.settings)
    return ServiceAccountService(session, context.passwords, tokens)


def admin_principal(session: Session, context: AppContext) -> Principal:
    users = AccountService(session, context.passwords).list_users()
    admin = next(a for a in users if a.root_role_id == ADMIN_ROLE_ID)
    return account_principal(
        session, admin, CredentialKind.SESSION, expires_at=None, credential_id=None
    )


def make_service_account(
    context: AppContext,
    *,
    name: str = "CI pipeline",
    username: str = "service-ci",
    role: int | str = "Editor",
) -> ServiceAccountHandle:
    """Needs an Admin user to exist (the ``admin`` fixture): it is the creator."""
    with context.database.transaction() as session:
        principal = admin_principal(session, context)
        account = _services(session, context).create(SYSTEM, principal, username, name, role)
        return ServiceAccountHandle(account.id, username, name)


def make_sa_token(
    context: AppContext,
    account_id: int,
    description: str = "deploy",
    days: float = 30,
    scope: TokenScope | None = None,
) -> str:
    with context.database.transaction() as session:
        principal = admin_principal(session, context)
        new = NewToken(description, utcnow() + timedelta(days=days), scope=scope)
        issued = _services(session, context).issue_token(SYSTEM, principal, account_id, new)
        return issued.secret


def make_pat(context: AppContext, user_id: int, description: str = "laptop") -> str:
    with context.database.transaction() as session:
        owner = AccountService(session, context.passwords).get_account(user_id)
        tokens = AccountTokenService(session, context.keys, context.settings)
        issued = tokens.create(SYSTEM, owner, NewToken(description, utcnow() + timedelta(days=30)))
        return issued.secret


def make_project(
    context: AppContext, project_id: str, name: str, description: str | None = None
) -> str:
    """A project with no owner, as the system would make it."""
    with context.database.transaction() as session:
        fields = ProjectFields(name=name, description=description)
        ProjectService(session).create(SYSTEM, None, project_id, fields, None)
    return project_id


def project_roles(context: AppContext, project_id: str) -> dict[str, list[int]]:
    """Who holds which project roles there: login name to role ids."""
    with context.database.session(write=False) as session:
        members = ProjectAccessService(session).members(project_id)
        return {m.account.username or m.account.email or "": m.role_ids for m in members}


def token_id(context: AppContext, description: str, *, live: bool = True) -> int:
    """The id of the token described so (the live one, unless ``live`` is false)."""
    with context.database.session(write=False) as session:
        query = select(AccountToken.id).where(AccountToken.description == description)
        if live:
            query = query.where(
                AccountToken.revoked_at.is_(None), AccountToken.rotated_at.is_(None)
            )
        return session.scalars(query.order_by(AccountToken.id)).first() or 0


def token_record(context: AppContext, token: int) -> AccountToken:
    with context.database.session(write=False) as session:
        record = session.get(AccountToken, token)
        assert record is not None
        session.expunge(record)
        return record


def set_policy(context: AppContext, policy: TokenPolicy) -> None:
    with context.database.transaction() as session:
        store_policy(session, SYSTEM, policy)


def make_managers(context: AppContext, account_id: int, *user_ids: int) -> None:
    """Let these people manage the service account (as an Admin would on its page)."""
    with context.database.transaction() as session:
        _services(session, context).set_managers(SYSTEM, account_id, list(user_ids))


def record_addresses(context: AppContext, token: int, *ips: str) -> None:
    """Say the token was used from ``ips``, the first the most recent, a minute apart."""
    now = utcnow()
    with context.database.transaction() as session:
        for age, ip in enumerate(ips):
            seen = now - timedelta(minutes=age)
            session.add(TokenClientIp(token_id=token, ip=ip, last_seen_at=seen))
