"""``/api/admin/user`` (the caller) and ``/api/admin/user-admin`` (Admins manage users)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Response
from pydantic import BeforeValidator
from sqlalchemy import select

from flagstaff.accounts.login import count_sessions
from flagstaff.accounts.models import Account
from flagstaff.accounts.passwords import check_strength
from flagstaff.accounts.schemas import (
    MAX_ID,
    AccessOut,
    AdminCountOut,
    CreateUserIn,
    MeOut,
    PasswordIn,
    ProfileOut,
    UpdateUserIn,
    UserRolesOut,
    UserSchema,
    UserSearchHit,
    UsersOut,
    digits_only,
    listed_permissions,
    role_in_project_out,
    user_access_out,
    user_out,
    user_search_out,
)
from flagstaff.accounts.service import AccountService, NewUser, UserChanges
from flagstaff.accounts.throttle import LoginThrottle
from flagstaff.core.errors import (
    BadDataError,
    NotFoundError,
    OperationDeniedError,
    PasswordMismatchError,
    UnauthorizedError,
)
from flagstaff.core.routing import TransactionalRoute
from flagstaff.core.schemas import answers
from flagstaff.flags.environments.models import Environment
from flagstaff.flags.projects.access import profile_projects, roles_in_project
from flagstaff.flags.projects.models import Project
from flagstaff.http.deps import ActorDep, AdminDep, ContextDep, PrincipalDep, SessionDep
from flagstaff.rbac.overview import effective_permissions
from flagstaff.rbac.principal import CredentialKind, Principal
from flagstaff.rbac.schemas import role_out
from flagstaff.roles.service import RoleService

router = APIRouter(route_class=TransactionalRoute, tags=["Users"])

# PostgreSQL text cannot hold NUL: refused as bad input rather than failing in the database.
NO_NUL = r"^[^\x00]*$"
UserId = Annotated[int, Path(ge=1, le=MAX_ID), BeforeValidator(digits_only)]
WRONG_OLD_CREDENTIAL = (
    "The old password you provided is invalid. If you have forgotten your password, get in "
    "touch with your instance administrator."
)


def accounts(db: SessionDep, context: ContextDep) -> AccountService:
    return AccountService(db, context.passwords)


@router.get("/api/admin/user", operation_id="getMe", response_model=MeOut)
def get_me(principal: PrincipalDep, db: SessionDep, context: ContextDep) -> dict[str, Any]:
    if principal.account_id is None:
        # An admin API token is no account: describe it as Unleash does, by name.
        user: dict[str, Any] = {
            "id": principal.audit_user_id,
            "username": principal.audit_name,
            "isAPI": True,
            "accountType": "User",
        }
    else:
        try:
            account = accounts(db, context).get_account(principal.account_id)
        except NotFoundError:
            # Deleted a moment ago, before this process saw the revision move.
            raise UnauthorizedError("You must log in to use Flagstaff.") from None
        user = user_out(account, active_sessions=count_sessions(db, account.id))
    environments = db.scalars(
        select(Environment.name).order_by(Environment.sort_order, Environment.name)
    ).all()
    # A scoped token's permissions are decided one by one, in every project it may reach.
    projects = db.scalars(select(Project.id).order_by(Project.id)).all() if principal.scope else []
    permissions = effective_permissions(principal, projects, environments)
    return {
        "user": user,
        "permissions": listed_permissions(permissions, environments),
        "feedback": [],
        "splash": {},
    }


def _own_account(principal: Principal, db: SessionDep, context: ContextDep) -> Account:
    """The caller's account. An API token has none: Unleash refuses it with this 400."""
    if principal.account_id is None:
        raise BadDataError("User id is missing in request user object")
    try:
        return accounts(db, context).get_account(principal.account_id)
    except NotFoundError:
        raise UnauthorizedError("You must log in to use Flagstaff.") from None


@router.get("/api/admin/user/profile", operation_id="getProfile", response_model=ProfileOut)
def get_profile(principal: PrincipalDep, db: SessionDep, context: ContextDep) -> dict[str, Any]:
    """Groups, favorite flags and e-mail subscriptions: Flagstaff has none of them (it sends
    no productivity report), so those lists are empty."""
    account = _own_account(principal, db, context)
    return {
        "rootRole": role_in_project_out(account.root_role),
        "projects": profile_projects(db, account.id),
        "groups": [],
        "subscriptions": [],
        "features": [],
        "canChangePassword": account.password_hash is not None and not account.is_service,
    }


@router.get("/api/admin/user/roles", operation_id="getUserRoles", response_model=UserRolesOut)
def get_user_roles(
    principal: PrincipalDep,
    db: SessionDep,
    context: ContextDep,
    project_id: Annotated[
        str, Query(alias="projectId", min_length=1, max_length=100, pattern=NO_NUL)
    ],
) -> dict[str, Any]:
    """The roles the caller holds in one project. ``projectId`` is required: Unleash's document
    shows it optional, yet Unleash too answers 400 without it."""
    account = _own_account(principal, db, context)
    roles = roles_in_project(db, account, project_id)
    return {"version": 1, "roles": [role_in_project_out(r, p) for r, p in roles]}


@router.post("/api/admin/user/change-password", operation_id="changeMyPassword")
def change_my_password(
    body: PasswordIn, principal: PrincipalDep, db: SessionDep, context: ContextDep
) -> Response:
    if principal.account_id is None or principal.is_service:
        raise OperationDeniedError("Only users who log in with a password have one to change")
    if body.old_password is None:
        raise BadDataError("The old password (oldPassword) is required")
    if body.confirm_password != body.password:
        raise BadDataError("The new password and its confirmation (confirmPassword) differ")
    service = accounts(db, context)
    account = service.get_user(principal.account_id)
    if not context.passwords.verify(account.password_hash, body.old_password):
        raise PasswordMismatchError(WRONG_OLD_CREDENTIAL)
    current = principal.credential_id if principal.kind == CredentialKind.SESSION else None
    service.set_password(account.id, body.password, keep_session_id=current)
    return Response(status_code=200)


def login_throttle(db: SessionDep, context: ContextDep) -> LoginThrottle:
    return LoginThrottle(db, context.keys, context.login_policy.throttle)


@router.get("/api/admin/user-admin", operation_id="getUsers", responses=answers(UsersOut))
def get_users(_: AdminDep, db: SessionDep, context: ContextDep) -> dict[str, Any]:
    users = accounts(db, context).list_users()
    attempts = login_throttle(db, context).failures_of(users)
    return {
        "users": [user_out(a, login_attempts=attempts[a.id]) for a in users],
        "rootRoles": [role_out(r) for r in RoleService(db).root_roles()],
    }


@router.get(
    "/api/admin/user-admin/search",
    operation_id="searchUsers",
    responses=answers(list[UserSearchHit]),
)
def search_users(
    _: PrincipalDep,
    db: SessionDep,
    context: ContextDep,
    q: Annotated[str, Query(max_length=255, pattern=NO_NUL)] = "",
) -> list[dict[str, Any]]:
    """Any account may search users, as in Unleash (project owners pick members with it)."""
    return [user_search_out(a) for a in accounts(db, context).search_users(q)]


@router.get(
    "/api/admin/user-admin/access", operation_id="getBaseUsersAndGroups", response_model=AccessOut
)
def get_access(_: PrincipalDep, db: SessionDep, context: ContextDep) -> dict[str, Any]:
    """Users and service accounts, for pickers: any account may read it (as in Unleash)."""
    users = accounts(db, context).list_accounts()
    return {"users": [user_access_out(a) for a in users], "groups": []}


@router.get(
    "/api/admin/user-admin/admin-count", operation_id="getAdminCount", response_model=AdminCountOut
)
def get_admin_count(_: AdminDep, db: SessionDep, context: ContextDep) -> dict[str, int]:
    return accounts(db, context).admin_count()


@router.post("/api/admin/user-admin/validate-password", operation_id="validateUserPassword")
def validate_password(body: PasswordIn, _: PrincipalDep) -> Response:
    check_strength(body.password)
    return Response(status_code=200)


@router.get("/api/admin/user-admin/{id}", operation_id="getUser", responses=answers(UserSchema))
def get_user(id: UserId, _: AdminDep, db: SessionDep, context: ContextDep) -> dict[str, Any]:
    account = accounts(db, context).get_user(id)
    attempts = login_throttle(db, context).failures_of([account])
    return user_out(account, login_attempts=attempts[account.id])


@router.post(
    "/api/admin/user-admin",
    operation_id="createUser",
    status_code=201,
    responses=answers(UserSchema, 201),
)
def create_user(
    body: CreateUserIn,
    response: Response,
    actor: ActorDep,
    principal: AdminDep,
    db: SessionDep,
    context: ContextDep,
) -> dict[str, Any]:
    new = NewUser(
        username=body.username,
        email=str(body.email) if body.email else None,
        name=body.name,
        password=body.password,
        root_role=body.root_role,
    )
    account = accounts(db, context).create_user(actor, principal, new)
    response.headers["Location"] = f"/api/admin/user-admin/{account.id}"
    return user_out(account)


@router.put("/api/admin/user-admin/{id}", operation_id="updateUser", responses=answers(UserSchema))
def update_user(
    id: UserId,
    body: UpdateUserIn,
    actor: ActorDep,
    principal: AdminDep,
    db: SessionDep,
    context: ContextDep,
) -> dict[str, Any]:
    changes = UserChanges(
        email=str(body.email) if body.email is not None else None,
        name=body.name,
        root_role=body.root_role,
    )
    return user_out(accounts(db, context).update_user(actor, principal, id, changes))


@router.delete("/api/admin/user-admin/{id}", operation_id="deleteUser")
def delete_user(
    id: UserId, actor: ActorDep, principal: AdminDep, db: SessionDep, context: ContextDep
) -> Response:
    if principal.account_id == id:
        raise OperationDeniedError("You cannot delete yourself")
    accounts(db, context).delete_user(actor, id)
    return Response(status_code=200)


@router.post("/api/admin/user-admin/{id}/change-password", operation_id="changeUserPassword")
def change_user_password(
    id: UserId, body: PasswordIn, _: AdminDep, db: SessionDep, context: ContextDep
) -> Response:
    """Flagstaff: also clears the login throttle of the user's names, at every address."""
    service = accounts(db, context)
    service.set_password(id, body.password)
    login_throttle(db, context).clear_account(service.get_user(id))
    return Response(status_code=200)


@router.delete("/api/admin/user-admin/{id}/login-throttle", operation_id="clearLoginThrottle")
def clear_login_throttle(
    id: UserId, actor: ActorDep, _: AdminDep, db: SessionDep, context: ContextDep
) -> Response:
    """Flagstaff: forget the failed logins with the user's username and e-mail address, from
    every address, so that no address has to wait before logging in as them."""
    account = accounts(db, context).get_user(id)
    login_throttle(db, context).reset(actor, account)
    return Response(status_code=200)


def _user_switch(disabled: bool) -> Any:
    def switch(
        id: UserId, actor: ActorDep, principal: AdminDep, db: SessionDep, context: ContextDep
    ) -> Response:
        """Flagstaff: a disabled user cannot log in; their sessions and tokens are refused."""
        service = accounts(db, context)
        service.set_disabled(actor, principal, service.get_user(id), disabled)
        return Response(status_code=200)

    return switch


for _action, _disabled in (("disable", True), ("enable", False)):
    router.post(f"/api/admin/user-admin/{{id}}/{_action}", operation_id=f"{_action}User")(
        _user_switch(_disabled)
    )
