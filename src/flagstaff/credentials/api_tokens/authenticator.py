"""Resolving API tokens to a ``Principal`` with ``api_scope`` set (plugged into the resolver).

An admin token holds ``ADMIN`` and is audited under its name with Unleash's user id -42; client
and frontend tokens hold only ``CLIENT`` or ``FRONTEND``, which no Admin API route accepts.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from flagstaff.credentials.api_tokens import format
from flagstaff.credentials.api_tokens.models import ApiToken
from flagstaff.credentials.api_tokens.service import DIGEST_PURPOSE
from flagstaff.rbac.permissions import Permission
from flagstaff.rbac.principal import (
    ADMIN_TOKEN_USER_ID,
    ApiTokenScope,
    CredentialKind,
    Grants,
    Principal,
)

PERMISSION_BY_TYPE = {
    "admin": Permission.ADMIN,
    "client": Permission.CLIENT,
    "frontend": Permission.FRONTEND,
}


class ApiTokenAuthenticator:
    purpose = DIGEST_PURPOSE

    def matches(self, token: str) -> bool:
        return format.is_api_token(token)

    def well_formed(self, token: str) -> bool:
        return format.well_formed(token)

    def load(self, session: Session, digest: str, now: datetime) -> Principal | None:
        token = session.scalars(select(ApiToken).where(ApiToken.digest == digest)).first()
        if token is None:
            return None
        # An expired token is cached with its expiry, so the cache refuses it without a query.
        return token_principal(token)


def token_principal(token: ApiToken) -> Principal:
    return Principal(
        kind=CredentialKind.API_TOKEN,
        account_id=None,
        audit_name=token.name,
        audit_user_id=ADMIN_TOKEN_USER_ID,
        is_service=False,
        root_role_id=None,
        grants=Grants(root=frozenset({PERMISSION_BY_TYPE[token.type].value})),
        expires_at=token.expires_at,
        credential_id=token.id,
        api_scope=ApiTokenScope(
            type=token.type,
            projects=tuple(token.projects),
            environment=token.environment_name,
        ),
    )
