"""Wire format of a trust policy (Flagstaff's own), for the Admin API and provisioning files."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field, StrictInt, StrictStr, field_validator

from flagstaff.core.schemas import InputModel, RequiredName, iso
from flagstaff.credentials.account_tokens.schemas import ScopesIn
from flagstaff.credentials.federation.claims import REGISTERED_CLAIMS, matches_anything
from flagstaff.credentials.federation.models import MAX_AUDIENCE, MAX_ISSUER, TrustPolicy

MAX_CONDITIONS = 32
ClaimName = Annotated[StrictStr, Field(min_length=1, max_length=255, pattern=r"^[^\s\x00]+$")]
ClaimPattern = Annotated[StrictStr, Field(min_length=1, max_length=1024)]


class TrustPolicyIn(InputModel):
    """A trust policy: ID tokens from ``issuer`` carrying ``audience`` whose claims match every
    one of ``conditions`` (exact values, or globs with ``*`` and ``?``) get tokens of the
    account that live at most ``maxTokenLifetimeSeconds`` (by default, and at most, the
    server's cap) and are limited to ``scopes`` when given."""

    name: RequiredName
    issuer: Annotated[StrictStr, Field(min_length=1, max_length=MAX_ISSUER)]
    audience: Annotated[StrictStr, Field(min_length=1, max_length=MAX_AUDIENCE)]
    conditions: Annotated[
        dict[ClaimName, ClaimPattern], Field(min_length=1, max_length=MAX_CONDITIONS)
    ]
    max_token_lifetime_seconds: Annotated[StrictInt, Field(ge=60, le=86_400)] | None = None
    scopes: ScopesIn | None = None

    @field_validator("conditions")
    @classmethod
    def _conditions_narrow_something(cls, value: dict[str, str]) -> dict[str, str]:
        registered = sorted(set(value) & REGISTERED_CLAIMS)
        if registered:
            raise ValueError(
                f"conditions cannot name {', '.join(registered)}: the exchange checks those "
                "claims itself (use issuer and audience)"
            )
        # Any workflow can ask its issuer for any audience: a policy must say whose ID tokens
        # it trusts, through at least one condition that is not a bare wildcard.
        if all(matches_anything(pattern) for pattern in value.values()):
            raise ValueError(
                "conditions must restrict at least one claim (such as sub or repository) to "
                "something narrower than '*'"
            )
        return value


def trust_policy_out(policy: TrustPolicy) -> dict[str, Any]:
    return {
        "id": policy.id,
        "serviceAccountId": policy.account_id,
        "name": policy.name,
        "issuer": policy.issuer,
        "audience": policy.audience,
        "conditions": policy.conditions,
        "maxTokenLifetimeSeconds": policy.max_lifetime_seconds,
        "scopes": policy.scopes,
        "createdAt": iso(policy.created_at),
        "createdBy": policy.created_by,
        "updatedAt": iso(policy.updated_at),
    }
