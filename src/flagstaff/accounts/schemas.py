"""Wire formats for users: Unleash's userSchema, createUserSchema and friends."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Annotated, Any

from pydantic import BeforeValidator, EmailStr, Field, StrictBool, StrictInt, StrictStr

from flagstaff.accounts.models import Account
from flagstaff.core.schemas import InputModel, Name, WireModel, iso
from flagstaff.rbac.models import ANY_ENVIRONMENT, Role
from flagstaff.rbac.schemas import RoleOut

MAX_ID = 2_147_483_647  # the largest id an integer column holds on both engines

RoleId = Annotated[StrictInt, Field(ge=0, le=MAX_ID)]
RoleName = Annotated[StrictStr, Field(max_length=255)]
RootRoleRef = Annotated[RoleId | RoleName, Field(description="A root role id or name")]


def _blank_is_none(value: object) -> object:
    # Unleash's UI sends "" for an e-mail left empty; it means "none", not a bad address.
    return None if isinstance(value, str) and not value.strip() else value


OptionalEmail = Annotated[
    Annotated[EmailStr, Field(max_length=255)] | None, BeforeValidator(_blank_is_none)
]


def digits_only(value: object) -> object:
    """Path ids arrive as text; only plain ASCII digits name one: not "1.0", "1e3", "+1" or
    digits from other scripts, which ``int()`` would quietly accept."""
    if isinstance(value, str) and not (value.isascii() and value.isdigit()):
        raise ValueError("must be a whole number")
    return value


class CreateUserIn(InputModel):
    username: Name | None = None
    email: OptionalEmail = None
    name: Name | None = None
    password: Annotated[StrictStr, Field(max_length=256)] | None = None
    root_role: RootRoleRef
    send_email: StrictBool | None = None


class UpdateUserIn(InputModel):
    email: OptionalEmail = None
    name: Name | None = None
    root_role: RootRoleRef | None = None


class PasswordIn(InputModel):
    password: Annotated[StrictStr, Field(max_length=256)]
    old_password: Annotated[StrictStr, Field(max_length=256)] | None = None
    confirm_password: Annotated[StrictStr, Field(max_length=256)] | None = None


class UserSchema(WireModel):
    """A user as admins see it (Unleash's userSchema), with Flagstaff's ``disabled``."""

    id: int
    name: str | None
    email: str | None = Field(None, description="Absent when the user has no e-mail address")
    username: str | None = Field(None, description="Absent when the user has no username")
    image_url: str
    seen_at: str | None = Field(description="The last time the user was seen; null if never")
    login_attempts: int = Field(
        description="Recent failed logins with the user's names, from every address"
    )
    created_at: str
    root_role: int = Field(description="The id of the user's root role")
    account_type: str
    invite_link: str
    email_sent: bool
    disabled: bool = Field(
        description="Flagstaff: a disabled user cannot log in; their sessions and tokens are "
        "refused"
    )
    active_sessions: int | None = Field(
        None, description="Sent on login only: how many sessions the user has open"
    )


class UsersOut(WireModel):
    """Every user, with the root roles they may hold (Unleash's usersSchema)."""

    users: list[UserSchema]
    root_roles: list[RoleOut]


class UserSearchHit(WireModel):
    """A user found by a search: no role and no login counters (Unleash's userSchema)."""

    id: int
    name: str | None = None
    username: str | None = None
    email: str | None = None
    account_type: str
    image_url: str
    seen_at: str | None


class MeOut(WireModel):
    user: dict[str, Any]
    permissions: list[dict[str, str]]
    feedback: list[Any] = []
    splash: dict[str, Any] = {}


class ProfileOut(WireModel):
    root_role: dict[str, Any]
    projects: list[str]
    groups: list[Any] = []
    subscriptions: list[str] = []
    features: list[Any] = []
    can_change_password: bool


class UserRolesOut(WireModel):
    version: int = 1
    roles: list[dict[str, Any]]


def role_in_project_out(role: Role, project: str | None = None) -> dict[str, Any]:
    """Unleash's roleSchema; ``project`` only where Unleash reports one."""
    body: dict[str, Any] = {
        "id": role.id,
        "name": role.name,
        "type": role.type,
        "description": role.description,
    }
    if project is not None:
        body["project"] = project
    return body


class AdminCountOut(WireModel):
    password: int
    no_password: int
    service: int


class AccessOut(WireModel):
    users: list[dict[str, Any]]
    groups: list[Any] = []


def image_url(account: Account) -> str:
    seed = (account.email or account.username or str(account.id)).encode()
    return f"https://gravatar.com/avatar/{hashlib.sha256(seed).hexdigest()}?s=42&d=retro&r=g"


def user_out(
    account: Account, *, active_sessions: int | None = None, login_attempts: int = 0
) -> dict[str, Any]:
    """``login_attempts``: the recent failed logins with the account's names, from every
    address (``LoginThrottle.failures_of``)."""
    body: dict[str, Any] = {
        "id": account.id,
        "name": account.name,
        "email": account.email,
        "username": account.username,
        "imageUrl": image_url(account),
        "seenAt": iso(account.seen_at),
        "loginAttempts": login_attempts,
        "createdAt": iso(account.created_at),
        "rootRole": account.root_role_id,
        "accountType": account.account_type,
        "inviteLink": "",
        "emailSent": False,
        # Flagstaff: a disabled user cannot log in; their sessions and tokens are refused.
        "disabled": account.disabled_at is not None,
    }
    if active_sessions is not None:
        body["activeSessions"] = active_sessions
    return {k: v for k, v in body.items() if v is not None or k in ("name", "seenAt")}


def user_access_out(account: Account) -> dict[str, Any]:
    """What any account may see of another, for pickers (Unleash's ``/user-admin/access``)."""
    body: dict[str, Any] = {
        "id": account.id,
        "name": account.name,
        "username": account.username,
        "email": account.email,
        "accountType": account.account_type,
    }
    return {k: v for k, v in body.items() if v is not None}


def user_search_out(account: Account) -> dict[str, Any]:
    """A search hit, as Unleash shows it to any account: no role, no login counters."""
    return {
        **user_access_out(account),
        "imageUrl": image_url(account),
        "seenAt": iso(account.seen_at),
    }


def listed_permissions(
    rows: list[dict[str, str]], environments: Sequence[str]
) -> list[dict[str, str]]:
    """``/api/admin/user``'s permissions with "every environment" spelled out, one row per
    environment, as Unleash lists them (its UI matches rows on the environment's name)."""
    listed: list[dict[str, str]] = []
    for row in rows:
        if row.get("environment") == ANY_ENVIRONMENT:
            listed.extend({**row, "environment": name} for name in environments)
        else:
            listed.append(row)
    return listed


class LoginIn(InputModel):
    username: Annotated[StrictStr, Field(min_length=1, max_length=255)]
    password: Annotated[StrictStr, Field(max_length=256)]
