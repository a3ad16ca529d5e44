"""A service account's trust policies as a file declares them: compared by name with the
account's, and written through ``credentials.federation``'s own service."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from flagstaff.accounts.models import Account
from flagstaff.config import Settings
from flagstaff.core.errors import BadDataError
from flagstaff.credentials.account_tokens.scopes import checked_scope, scope_json
from flagstaff.credentials.federation.claims import issuer_problem
from flagstaff.credentials.federation.models import TrustPolicy
from flagstaff.credentials.federation.service import TrustPolicyService
from flagstaff.events.service import Actor
from flagstaff.provisioning.schemas import TrustPolicySpec
from flagstaff.rbac.principal import TokenScope


def policy_state(policy: TrustPolicy) -> dict[str, Any]:
    """What a policy is, as the plan compares and shows it."""
    return {
        "name": policy.name,
        "issuer": policy.issuer,
        "audience": policy.audience,
        "conditions": dict(sorted(policy.conditions.items())),
        "maxTokenLifetimeSeconds": policy.max_lifetime_seconds,
        "scopes": policy.scopes,
    }


def current_policies(session: Session, settings: Settings, account: Account) -> list[Any]:
    policies = TrustPolicyService(session, settings).list_for(account)
    return sorted((policy_state(p) for p in policies), key=lambda p: p["name"])


def wanted_policy(
    session: Session, settings: Settings, spec: TrustPolicySpec, declared_projects: set[str]
) -> tuple[dict[str, Any], list[str]]:
    """What the policy will be once written (the service's defaults filled in), and what the
    service would refuse in it. Projects the file declares count as existing."""
    problems = []
    found = issuer_problem(spec.issuer, allow_loopback_http=settings.oidc_allow_loopback_http)
    if found is not None:
        problems.append(found)
    cap = settings.oidc_max_token_lifetime_seconds
    lifetime = spec.max_token_lifetime_seconds or cap
    if lifetime > cap:
        problems.append(
            f"maxTokenLifetimeSeconds is at most {cap} on this server "
            "(FLAGSTAFF_OIDC_MAX_TOKEN_LIFETIME_SECONDS)"
        )
    scopes = None
    if spec.scopes is not None:
        given = spec.scopes
        existing = [p for p in given.projects or [] if p not in declared_projects]
        try:
            checked_scope(session, given.permissions, existing, given.environments)
        except BadDataError as error:
            problems.append(error.message)
        permissions = None if given.permissions in (None, "read") else given.permissions
        scope = TokenScope(
            read_only=given.permissions == "read",
            permissions=frozenset(permissions) if permissions is not None else None,
            projects=frozenset(given.projects) if given.projects is not None else None,
            environments=frozenset(given.environments) if given.environments is not None else None,
        )
        scopes = scope_json(scope)
    state = {
        "name": spec.name,
        "issuer": spec.issuer,
        "audience": spec.audience,
        "conditions": dict(sorted(spec.conditions.items())),
        "maxTokenLifetimeSeconds": lifetime,
        "scopes": scopes,
    }
    return state, problems


def write_policies(
    session: Session,
    settings: Settings,
    actor: Actor,
    account: Account,
    specs: list[TrustPolicySpec],
    wanted: list[dict[str, Any]],
) -> None:
    """Make the account's policies exactly ``specs``: create, replace and delete by name."""
    service = TrustPolicyService(session, settings)
    existing = {p.name: p for p in service.list_for(account)}
    states = {state["name"]: state for state in wanted}
    for spec in specs:
        policy = existing.get(spec.name)
        if policy is None:
            service.create(actor, account, spec)
        elif policy_state(policy) != states[spec.name]:
            service.update(actor, account, policy.id, spec)
    for name in sorted(set(existing) - set(states)):
        service.delete(actor, account, existing[name].id)
