"""Wire formats of service accounts (Unleash's hosted serviceAccountSchema and friends)."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field, StrictInt, StrictStr

from flagstaff.accounts.models import Account
from flagstaff.accounts.schemas import image_url
from flagstaff.core.schemas import InputModel, RequiredName, WireModel, iso
from flagstaff.credentials.account_tokens.schemas import PatSchema, PermissionGrantOut
from flagstaff.rbac.schemas import RoleOut

# Usernames are identifiers in the event log and in URLs people paste: keep them plain.
Username = Annotated[
    StrictStr, Field(min_length=1, max_length=255, pattern=r"^[A-Za-z0-9][A-Za-z0-9._@-]*$")
]


class CreateServiceAccountIn(InputModel):
    username: Username
    name: RequiredName
    root_role: StrictInt | StrictStr


class UpdateServiceAccountIn(InputModel):
    name: RequiredName | None = None
    root_role: StrictInt | StrictStr | None = None
    # The UI sends the username back; it may not change.
    username: Annotated[StrictStr, Field(max_length=255)] | None = None


class ManagerOut(WireModel):
    """A person who looks after a service account's tokens (Flagstaff)."""

    id: int
    name: str | None
    username: str | None
    email: str | None


class ServiceAccountSchema(WireModel):
    """Unleash's serviceAccountSchema, with Flagstaff's extensions (docs/extensions.md)."""

    id: int
    name: str | None
    username: str | None
    image_url: str
    root_role: int | None
    created_at: str
    seen_at: None = Field(description="Deprecated, always null: each token carries its seenAt")
    is_api: bool = Field(alias="isAPI")
    account_type: str
    tokens: list[PatSchema]
    disabled: bool = Field(description="While disabled, every token of the account is refused")
    disabled_at: str | None
    tokens_expiring_soon: int = Field(description="How many tokens are in their warning window")
    managers: list[ManagerOut]


class ServiceAccountsSchema(WireModel):
    """Unleash's serviceAccountsSchema: the service accounts and the root roles to give them."""

    service_accounts: list[ServiceAccountSchema]
    root_roles: list[RoleOut]


class OverviewPermissionOut(WireModel):
    """A permission of the access overview, and whether the account holds it there."""

    id: int
    name: str
    display_name: str
    type: str
    environment: str | None = None
    has_permission: bool


class OverviewOut(WireModel):
    """The permissions by kind: root, in the project, in the environment."""

    root: list[OverviewPermissionOut]
    project: list[OverviewPermissionOut]
    environment: list[OverviewPermissionOut]
    groups: list[Any]


class RolePermissionOut(WireModel):
    """A permission a role grants."""

    id: int
    name: str
    display_name: str
    type: str
    environment: str | None = None


class ProjectRoleOut(WireModel):
    """A role the account holds in the project, with its permissions."""

    id: int
    type: str
    name: str
    description: str | None
    permissions: list[RolePermissionOut]
    project: str


class ServiceAccountPermissionsOut(WireModel):
    """What a service account (or one of its tokens) may do: Unleash's access overview, with
    the account and the token (Flagstaff)."""

    overview: OverviewOut
    root_role: RoleOut | None
    project_roles: list[ProjectRoleOut]
    permissions: list[PermissionGrantOut]
    service_account: ServiceAccountSchema
    token: PatSchema | None = Field(None, description="Sent when asked about one token")


def service_account_out(
    account: Account, tokens: list[dict[str, Any]], managers: list[Account] | None = None
) -> dict[str, Any]:
    """``tokens`` as ``credentials.account_tokens.routes.tokens_out`` renders them."""
    return {
        "id": account.id,
        "name": account.name,
        "username": account.username,
        "imageUrl": image_url(account),
        "rootRole": account.root_role_id,
        "createdAt": iso(account.created_at),
        # Deprecated in Unleash and always null there; the tokens carry seenAt.
        "seenAt": None,
        "isAPI": False,
        "accountType": account.account_type,
        "tokens": tokens,
        # Flagstaff: whether the account is switched off, and how many of its tokens are in
        # their warning window (the list's "expires soon" count).
        "disabled": account.disabled_at is not None,
        "disabledAt": iso(account.disabled_at),
        "tokensExpiringSoon": sum(1 for t in tokens if t.get("expiryWarning") == "expires-soon"),
        # Flagstaff: the people who look after its tokens.
        "managers": [
            {"id": m.id, "name": m.name, "username": m.username, "email": m.email}
            for m in managers or []
        ],
    }
