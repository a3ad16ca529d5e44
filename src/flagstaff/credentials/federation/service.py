"""Trust policies of a service account: list, create, update, delete, each change an event.

The functions take the session, the actor and the account, and know nothing of HTTP: the Admin
API (``routes``) and provisioning files call the same ones. Only service accounts have policies.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from flagstaff.accounts.models import Account
from flagstaff.config import Settings
from flagstaff.core.db import utcnow
from flagstaff.core.errors import (
    BadDataError,
    NameExistsError,
    NotFoundError,
    OperationDeniedError,
)
from flagstaff.credentials.account_tokens.scopes import checked_scope, scope_json
from flagstaff.credentials.federation.claims import issuer_problem
from flagstaff.credentials.federation.models import TrustPolicy
from flagstaff.credentials.federation.schemas import TrustPolicyIn
from flagstaff.events.service import Actor, EventService

MAX_POLICIES_PER_ACCOUNT = 20
EVENT_PREFIX = "service-account-trust-policy"


class TrustPolicyService:
    def __init__(self, session: Session, settings: Settings) -> None:
        self.session = session
        self.settings = settings
        self.events = EventService(session)

    def service_account(self, account_id: int) -> Account:
        account = self.session.get(Account, account_id)
        if account is None or not account.is_service:
            raise NotFoundError(f"Could not find a service account with id {account_id}")
        return account

    def list_for(self, account: Account) -> list[TrustPolicy]:
        return list(
            self.session.scalars(
                select(TrustPolicy)
                .where(TrustPolicy.account_id == account.id)
                .order_by(TrustPolicy.id)
            )
        )

    def get(self, account: Account, policy_id: int) -> TrustPolicy:
        """One policy of ``account``; another account's is "not found"."""
        policy = self.session.scalars(
            select(TrustPolicy).where(
                TrustPolicy.id == policy_id, TrustPolicy.account_id == account.id
            )
        ).first()
        if policy is None:
            raise NotFoundError(f"Could not find a trust policy with id {policy_id}")
        return policy

    def create(self, actor: Actor, account: Account, spec: TrustPolicyIn) -> TrustPolicy:
        self._ensure_service_account(account)
        _not_self(actor, account)
        count = self.session.execute(
            select(func.count()).where(TrustPolicy.account_id == account.id)
        ).scalar_one()
        if count >= MAX_POLICIES_PER_ACCOUNT:
            raise OperationDeniedError(
                f"A service account has at most {MAX_POLICIES_PER_ACCOUNT} trust policies."
            )
        policy = TrustPolicy(account_id=account.id, created_by=actor.name)
        self._apply(policy, spec)
        self.session.add(policy)
        self._flush_unique(spec.name)
        self.events.record(actor, f"{EVENT_PREFIX}-created", data=audit_data(policy, account))
        return policy

    def update(
        self, actor: Actor, account: Account, policy_id: int, spec: TrustPolicyIn
    ) -> TrustPolicy:
        """Replace every field of the policy with ``spec``'s."""
        _not_self(actor, account)
        policy = self.get(account, policy_id)
        before = audit_data(policy, account)
        self._apply(policy, spec)
        after = audit_data(policy, account)
        if after == before:
            return policy
        policy.updated_at = utcnow()
        self._flush_unique(spec.name)
        self.events.record(actor, f"{EVENT_PREFIX}-updated", data=after, pre_data=before)
        return policy

    def delete(self, actor: Actor, account: Account, policy_id: int) -> None:
        """The policy goes; tokens it minted keep working until they expire (they are an hour
        long at most), still showing its issuer and subject."""
        _not_self(actor, account)
        policy = self.get(account, policy_id)
        before = audit_data(policy, account)
        self.session.delete(policy)
        self.session.flush()
        self.events.record(actor, f"{EVENT_PREFIX}-deleted", pre_data=before)

    def _apply(self, policy: TrustPolicy, spec: TrustPolicyIn) -> None:
        problem = issuer_problem(
            spec.issuer, allow_loopback_http=self.settings.oidc_allow_loopback_http
        )
        if problem is not None:
            raise BadDataError(problem)
        cap = self.settings.oidc_max_token_lifetime_seconds
        lifetime = spec.max_token_lifetime_seconds or cap
        if lifetime > cap:
            raise BadDataError(
                f"maxTokenLifetimeSeconds is at most {cap} on this server "
                "(FLAGSTAFF_OIDC_MAX_TOKEN_LIFETIME_SECONDS)."
            )
        scopes = None
        if spec.scopes is not None:
            given = spec.scopes
            scope = checked_scope(
                self.session, given.permissions, given.projects, given.environments
            )
            scopes = scope_json(scope)
        policy.name = spec.name
        policy.issuer = spec.issuer
        policy.audience = spec.audience
        policy.conditions = dict(sorted(spec.conditions.items()))
        policy.max_lifetime_seconds = lifetime
        policy.scopes = scopes

    def _flush_unique(self, name: str) -> None:
        try:
            with self.session.begin_nested():
                self.session.flush()
        except IntegrityError:
            raise NameExistsError(
                f"This service account already has a trust policy named {name!r}."
            ) from None

    @staticmethod
    def _ensure_service_account(account: Account) -> None:
        if not account.is_service:
            raise BadDataError("Only service accounts have trust policies.")


def _not_self(actor: Actor, account: Account) -> None:
    # A policy hands out the account's tokens: an account never writes its own, as it never
    # mints itself tokens.
    if actor.user_id == account.id:
        raise OperationDeniedError("A service account cannot change its own trust policies.")


def audit_data(policy: TrustPolicy, account: Account) -> dict[str, Any]:
    return {
        "id": policy.id,
        "serviceAccountId": account.id,
        "serviceAccount": account.username,
        "name": policy.name,
        "issuer": policy.issuer,
        "audience": policy.audience,
        "conditions": policy.conditions,
        "maxTokenLifetimeSeconds": policy.max_lifetime_seconds,
        "scopes": policy.scopes,
    }
