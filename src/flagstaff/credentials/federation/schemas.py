"""Wire format of a trust policy (Flagstaff's own), for the Admin API and provisioning files."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, StrictInt, StrictStr, field_validator

from flagstaff.core.schemas import InputModel, RequiredName, WireModel, iso
from flagstaff.credentials.account_tokens.schemas import ScopesIn, ScopesOut
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


class TrustPolicyOut(WireModel):
    """A trust policy (Flagstaff): whose OIDC ID tokens get this service account's tokens."""

    id: int
    service_account_id: int
    name: str
    issuer: str
    audience: str
    conditions: dict[str, str] = Field(
        description="Claim name to the value it must have (exact, or a glob with * and ?)"
    )
    max_token_lifetime_seconds: int | None = Field(description="null: the server's cap")
    scopes: ScopesOut | None = Field(description="null: the minted tokens are unscoped")
    created_at: str
    created_by: str | None
    updated_at: str | None


class TokenExchangeOut(BaseModel):
    """The answer of a token exchange (RFC 8693, keys as it names them): a short-lived token
    of the service account."""

    access_token: str = Field(description="The service account's token; sent this once")
    issued_token_type: Literal["urn:ietf:params:oauth:token-type:access_token"]
    token_type: Literal["Bearer"]
    expires_in: int = Field(description="Seconds until the token expires")


class TrustPoliciesOut(WireModel):
    """A service account's trust policies."""

    trust_policies: list[TrustPolicyOut]


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
