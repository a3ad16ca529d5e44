"""Wire formats of account tokens: Unleash's createPatSchema and patSchema, and Flagstaff's
lifecycle fields on them (``state`` and what it depends on, documented as extensions)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import Body
from pydantic import Field, StrictBool, StrictInt, StrictStr, field_validator, model_validator
from sqlalchemy.orm import Session

from flagstaff.core.schemas import InputModel, WireModel, iso, parse_datetime
from flagstaff.credentials.account_tokens.lifetimes import warning_starts
from flagstaff.credentials.account_tokens.models import AccountToken, TokenClientIp
from flagstaff.credentials.account_tokens.rotation import MAX_GRACE_SECONDS, Rotation
from flagstaff.credentials.account_tokens.scopes import checked_scope
from flagstaff.credentials.account_tokens.service import NewToken, federation_out
from flagstaff.credentials.account_tokens.states import TokenState

ScopeName = Annotated[StrictStr, Field(min_length=1, max_length=255)]
ScopeList = Annotated[list[ScopeName], Field(min_length=1, max_length=100)]


class ScopesIn(InputModel):
    """Flagstaff: what the token may do, narrower than its account. ``permissions`` is "read"
    (no writes) or permission names; ``projects`` and ``environments`` limit where."""

    permissions: Literal["read"] | ScopeList | None = None
    projects: ScopeList | None = None
    environments: ScopeList | None = None

    @model_validator(mode="after")
    def _names_something(self) -> ScopesIn:
        if self.permissions is None and self.projects is None and self.environments is None:
            raise ValueError("scopes must name permissions, projects or environments")
        return self


class CreateTokenIn(InputModel):
    description: Annotated[StrictStr, Field(max_length=255)]
    expires_at: datetime
    # Flagstaff: may the token rotate itself (POST /api/admin/user/tokens/self/rotate)?
    self_rotation: StrictBool = False
    scopes: ScopesIn | None = None

    @field_validator("expires_at", mode="before")
    @classmethod
    def parse_date(cls, value: Any) -> datetime:
        return parse_datetime(value, "expiresAt")


class RotateTokenIn(InputModel):
    """How long the old token keeps working, and the successor's expiry (by default the old
    token's lifetime, capped by the lifetime policy)."""

    grace_seconds: Annotated[StrictInt, Field(ge=0, le=MAX_GRACE_SECONDS)] = 0
    expires_at: datetime | None = None

    @field_validator("expires_at", mode="before")
    @classmethod
    def parse_date(cls, value: Any) -> datetime | None:
        return None if value is None else parse_datetime(value, "expiresAt")

    def rotation(self) -> Rotation:
        return Rotation(self.grace_seconds, self.expires_at)


# The body may be left out: no grace window, and the old token's lifetime.
RotationBody = Annotated[RotateTokenIn | None, Body()]


def rotation_of(body: RotateTokenIn | None) -> Rotation:
    return body.rotation() if body is not None else Rotation()


class SelfRotationIn(InputModel):
    enabled: StrictBool


class ScopesOut(WireModel):
    """What a token may do, narrower than its account (Flagstaff); a null list: no limit there."""

    permissions: Literal["read"] | list[str] | None = Field(
        description='"read" (no writes), or the permission names the token may use'
    )
    projects: list[str] | None
    environments: list[str] | None


class FederationOut(WireModel):
    """Where a token minted by the OIDC exchange came from (Flagstaff)."""

    issuer: str
    subject: str | None
    trust_policy_id: int | None = Field(
        description="The trust policy that matched; null once that policy is deleted"
    )


class SeenAddressOut(WireModel):
    """A client address a token was used from, and when last."""

    ip: str
    seen_at: str | None


ExpiryWarning = Literal["expired", "expires-soon"]


class PatSchema(WireModel):
    """Unleash's patSchema: an account token (never its secret, except when just issued),
    with Flagstaff's lifecycle fields (docs/extensions.md)."""

    id: int
    description: str
    expires_at: str
    created_at: str
    seen_at: str | None
    user_id: int
    hint: str = Field(description="The secret's last characters, to recognise it by")
    state: TokenState
    self_rotation: bool = Field(description="May the token rotate itself")
    family_id: int | None = Field(description="The first token of its rotation family")
    scopes: ScopesOut | None = Field(description="null: everything its account may do")
    federated: FederationOut | None = Field(description="null unless minted by the exchange")
    last_ips: list[SeenAddressOut] = Field(description="Its last distinct addresses, newest first")
    expiry_warning: ExpiryWarning | None = Field(
        None, description="Sent once the token is expired or inside its warning window"
    )
    disabled_at: str | None = None
    disabled_by: str | None = None
    rotated_at: str | None = None
    valid_until: str | None = Field(
        None, description="A rotated token works until then (its grace window)"
    )
    successor_id: int | None = None
    revoked_at: str | None = None
    revoked_by: str | None = None
    revoke_reason: str | None = None
    secret: str | None = Field(None, description="Sent once, in the answer that issues it")


class PatsSchema(WireModel):
    """Unleash's patsSchema: an account's tokens."""

    pats: list[PatSchema]


class TokenAccountOut(WireModel):
    """The account a token belongs to, in the shape of Unleash's userSchema."""

    id: int
    name: str | None
    email: str | None = None
    username: str | None = None
    image_url: str
    seen_at: str | None
    login_attempts: int
    created_at: str
    root_role: int | None = None
    account_type: str
    invite_link: str
    email_sent: bool
    disabled: bool


class PermissionGrantOut(WireModel):
    """One permission held: everywhere (root), in a project, or in a project's environment."""

    permission: str
    project: str | None = None
    environment: str | None = None


class OwnTokenOut(WireModel):
    """The calling token (Flagstaff): itself, its account, and what it may do."""

    account: TokenAccountOut
    token: PatSchema
    permissions: list[PermissionGrantOut]


def new_token(session: Session, body: CreateTokenIn) -> NewToken:
    """The token a create request asks for, its scopes checked against what exists."""
    scope = None
    if body.scopes is not None:
        given = body.scopes
        scope = checked_scope(session, given.permissions, given.projects, given.environments)
    return NewToken(body.description, body.expires_at, body.self_rotation, scope)


def token_out(
    token: AccountToken,
    state: TokenState,
    now: datetime,
    *,
    secret: str | None = None,
    addresses: list[TokenClientIp] | None = None,
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": token.id,
        "description": token.description,
        "expiresAt": iso(token.expires_at),
        "createdAt": iso(token.created_at),
        "seenAt": iso(token.seen_at),
        "userId": token.account_id,
        "hint": token.hint,
        "state": state.value,
        "selfRotation": token.self_rotation,
        "familyId": token.family_id,
        "scopes": token.scopes,
        # Flagstaff: minted by the OIDC exchange (issuer, subject, trust policy), else null.
        "federated": federation_out(token),
        # Flagstaff: the last distinct client addresses it was used from, newest first.
        "lastIps": [{"ip": a.ip, "seenAt": iso(a.last_seen_at)} for a in addresses or []],
    }
    warning = expiry_warning(token.created_at, token.expires_at, now)
    if warning is not None and state is not TokenState.REVOKED:
        body["expiryWarning"] = warning
    if token.disabled_at is not None:
        body |= {"disabledAt": iso(token.disabled_at), "disabledBy": token.disabled_by}
    if token.rotated_at is not None:
        body |= {
            "rotatedAt": iso(token.rotated_at),
            "validUntil": iso(token.grace_until),
            "successorId": token.successor_id,
        }
    if token.revoked_at is not None:
        body |= {
            "revokedAt": iso(token.revoked_at),
            "revokedBy": token.revoked_by,
            "revokeReason": token.revoke_reason,
        }
    if secret is not None:
        body["secret"] = secret
    return body


def expiry_warning(created_at: datetime, expires_at: datetime, now: datetime) -> str | None:
    """Unleash's markers: expired, or expiring soon once inside the warning window."""
    if expires_at <= now:
        return "expired"
    return "expires-soon" if now >= warning_starts(created_at, expires_at) else None
