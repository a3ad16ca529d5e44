"""Trust policies on a service account's page: the table's rows, and the form that adds or
edits one. The form is checked by the API's wire model (``TrustPolicyIn``) and the service, so
the page refuses what the API refuses. Conditions are typed one per line as ``claim = value``;
the lifetime in minutes; the tokens' limits with the new-token form's scope section."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from flagstaff.credentials.account_tokens.scopes import READ, scope_json
from flagstaff.credentials.federation.models import TrustPolicy
from flagstaff.credentials.federation.schemas import TrustPolicyIn
from flagstaff.web.forms import FormError, FormState, form_lists, form_values, validated
from flagstaff.web.scope_form import (
    ACCESS_FIELD,
    ANY,
    CHOSEN,
    ENVIRONMENTS_FIELD,
    PERMISSIONS_FIELD,
    PROJECTS_FIELD,
    READ_ONLY,
    SCOPE_LISTS,
    requested_scope,
)
from flagstaff.web.token_details import ScopeView, scope_view

POLICY_FIELDS = ("policy_name", "issuer", "audience", "conditions", "lifetime_minutes")
# The wire model's fields (and their aliases) -> the form's.
WIRE_FIELDS = {
    "name": "policy_name",
    "issuer": "issuer",
    "audience": "audience",
    "conditions": "conditions",
    "maxTokenLifetimeSeconds": "lifetime_minutes",
    "max_token_lifetime_seconds": "lifetime_minutes",
    "scopes": "scope",
}


@dataclass(frozen=True)
class PolicyRow:
    id: int
    name: str
    issuer: str
    audience: str
    conditions: tuple[tuple[str, str], ...]
    lifetime_minutes: int
    scope: ScopeView | None


def policy_row(policy: TrustPolicy) -> PolicyRow:
    return PolicyRow(
        id=policy.id,
        name=policy.name,
        issuer=policy.issuer,
        audience=policy.audience,
        conditions=tuple(sorted(policy.conditions.items())),
        lifetime_minutes=policy.max_lifetime_seconds // 60,
        scope=scope_view(policy.scopes),
    )


def policy_form_state(form: FormData) -> FormState:
    values = form_values(form, (*POLICY_FIELDS, ACCESS_FIELD))
    return FormState(values, lists=form_lists(form, SCOPE_LISTS))


def state_of_policy(policy: TrustPolicy) -> FormState:
    """The edit form, filled from the policy."""
    scopes = policy.scopes or {}
    permissions = scopes.get("permissions")
    access = READ_ONLY if permissions == READ else CHOSEN if permissions else ANY
    values = {
        "policy_name": policy.name,
        "issuer": policy.issuer,
        "audience": policy.audience,
        "conditions": "\n".join(f"{k} = {v}" for k, v in sorted(policy.conditions.items())),
        "lifetime_minutes": str(policy.max_lifetime_seconds // 60),
        ACCESS_FIELD: access,
    }
    lists = {
        PERMISSIONS_FIELD: list(permissions) if isinstance(permissions, list) else [],
        PROJECTS_FIELD: list(scopes.get("projects") or []),
        ENVIRONMENTS_FIELD: list(scopes.get("environments") or []),
    }
    return FormState(values, lists=lists)


def policy_from(db: Session, state: FormState) -> TrustPolicyIn:
    """The policy a filled form asks for; a ``FormError`` naming each field that is wrong."""
    values = state.values
    scope = requested_scope(db, state)
    data = {
        "name": values["policy_name"],
        "issuer": values["issuer"],
        "audience": values["audience"],
        "conditions": conditions_from(values["conditions"]),
        "maxTokenLifetimeSeconds": _seconds(values["lifetime_minutes"]),
        "scopes": scope_json(scope),
    }
    return validated(TrustPolicyIn, data, WIRE_FIELDS)


def conditions_from(text: str) -> dict[str, str]:
    conditions: dict[str, str] = {}
    for line in text.splitlines():
        if not line.strip():
            continue
        claim, equals, pattern = line.partition("=")
        claim, pattern = claim.strip(), pattern.strip()
        if not equals or not claim or not pattern:
            raise FormError(
                {
                    "conditions": "Write one condition per line as claim = value, such as "
                    "repository = acme/shop."
                }
            )
        if claim in conditions:
            raise FormError({"conditions": f"The claim {claim} is named twice."})
        conditions[claim] = pattern
    if not conditions:
        raise FormError(
            {"conditions": "Give at least one condition, such as repository = acme/shop."}
        )
    return conditions


def _seconds(minutes: str) -> int | None:
    if not minutes:
        return None
    if not minutes.isdigit() or len(minutes) > 6:
        raise FormError({"lifetime_minutes": "Give the lifetime as a whole number of minutes."})
    return int(minutes) * 60
