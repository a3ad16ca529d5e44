"""Wire formats of service accounts (Unleash's hosted serviceAccountSchema and friends)."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field, StrictInt, StrictStr

from flagstaff.accounts.models import Account
from flagstaff.accounts.schemas import image_url
from flagstaff.core.schemas import InputModel, RequiredName, iso

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
