"""``/api/admin/service-account``: service accounts and their tokens. Admins only."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request, Response
from pydantic import Field, StrictInt

from flagstaff.accounts.models import Account
from flagstaff.core.errors import PermissionDeniedError
from flagstaff.core.routing import TransactionalRoute
from flagstaff.core.schemas import InputModel, answers
from flagstaff.credentials.account_tokens.routes import (
    StateFilter,
    issued_out,
    token_service,
    tokens_out,
)
from flagstaff.credentials.account_tokens.schemas import (
    CreateTokenIn,
    PatSchema,
    PatsSchema,
    RotationBody,
    SelfRotationIn,
    new_token,
    rotation_of,
)
from flagstaff.credentials.account_tokens.scopes import scope_from_json
from flagstaff.credentials.resolver import account_principal
from flagstaff.http.deps import (
    SAFE_METHODS,
    ActorDep,
    AdminDep,
    ContextDep,
    PrincipalDep,
    SessionDep,
)
from flagstaff.rbac.overview import access_overview
from flagstaff.rbac.permissions import Permission
from flagstaff.rbac.policy import is_allowed, manages
from flagstaff.rbac.predefined import ROOT_ROLE_PROJECT
from flagstaff.rbac.principal import CredentialKind, Principal
from flagstaff.rbac.schemas import role_out
from flagstaff.roles.service import RoleService
from flagstaff.service_accounts.schemas import (
    CreateServiceAccountIn,
    ServiceAccountPermissionsOut,
    ServiceAccountSchema,
    ServiceAccountsSchema,
    UpdateServiceAccountIn,
    service_account_out,
)
from flagstaff.service_accounts.service import ServiceAccountChanges, ServiceAccountService

router = APIRouter(route_class=TransactionalRoute, tags=["Service accounts"])

AccountId = Annotated[int, Path(alias="id", ge=1, le=2_147_483_647)]
TokenId = Annotated[int, Path(alias="tokenId", ge=1, le=2_147_483_647)]
BASE = "/api/admin/service-account"


def _manager(account_id: AccountId, request: Request, principal: PrincipalDep) -> Principal:
    """An Admin, or (Flagstaff) a person an admin made this service account's manager: they
    look after its tokens, never its role or its existence."""
    if not manages(principal, account_id, write=request.method not in SAFE_METHODS):
        raise PermissionDeniedError([Permission.ADMIN.value])
    return principal


ManagerDep = Annotated[Principal, Depends(_manager)]


def _services(db: SessionDep, context: ContextDep) -> ServiceAccountService:
    return ServiceAccountService(db, context.passwords, token_service(db, context))


def _accounts_out(service: ServiceAccountService, accounts: list[Account]) -> list[dict[str, Any]]:
    ids = [a.id for a in accounts]
    tokens = service.tokens.tokens_by_account(ids)
    managers = service.managers_of(ids)
    return [
        service_account_out(a, tokens_out(service.tokens, a, tokens[a.id]), managers[a.id])
        for a in accounts
    ]


def _account_out(service: ServiceAccountService, account: Account) -> dict[str, Any]:
    [body] = _accounts_out(service, [account])
    return body


@router.get(BASE, operation_id="getServiceAccounts", responses=answers(ServiceAccountsSchema))
def get_service_accounts(
    principal: PrincipalDep, db: SessionDep, context: ContextDep
) -> dict[str, Any]:
    """Every service account for an Admin; (Flagstaff) those a manager looks after."""
    service = _services(db, context)
    accounts = service.managed_by(principal)
    if not accounts and not is_allowed(principal, Permission.ADMIN, write=False):
        raise PermissionDeniedError([Permission.ADMIN.value])
    return {
        "serviceAccounts": _accounts_out(service, accounts),
        "rootRoles": [role_out(r).model_dump(by_alias=True) for r in RoleService(db).root_roles()],
    }


@router.post(
    BASE,
    operation_id="createServiceAccount",
    status_code=201,
    responses=answers(ServiceAccountSchema, 201),
)
def create_service_account(
    body: CreateServiceAccountIn,
    response: Response,
    actor: ActorDep,
    principal: AdminDep,
    db: SessionDep,
    context: ContextDep,
) -> dict[str, Any]:
    account = _services(db, context).create(
        actor, principal, body.username, body.name, body.root_role
    )
    response.headers["Location"] = f"{BASE}/{account.id}"
    return service_account_out(account, [])


@router.put(
    f"{BASE}/{{id}}", operation_id="updateServiceAccount", responses=answers(ServiceAccountSchema)
)
def update_service_account(
    account_id: AccountId,
    body: UpdateServiceAccountIn,
    actor: ActorDep,
    principal: AdminDep,
    db: SessionDep,
    context: ContextDep,
) -> dict[str, Any]:
    service = _services(db, context)
    changes = ServiceAccountChanges(body.name, body.root_role, body.username)
    account = service.update(actor, principal, account_id, changes)
    return _account_out(service, account)


@router.delete(f"{BASE}/{{id}}", operation_id="deleteServiceAccount")
def delete_service_account(
    account_id: AccountId, actor: ActorDep, principal: AdminDep, db: SessionDep, context: ContextDep
) -> Response:
    _services(db, context).delete(actor, principal, account_id)
    return Response(status_code=200)


@router.get(
    f"{BASE}/{{id}}/token", operation_id="getServiceAccountTokens", responses=answers(PatsSchema)
)
def get_tokens(
    account_id: AccountId,
    _: ManagerDep,
    db: SessionDep,
    context: ContextDep,
    state: StateFilter = None,
) -> dict[str, Any]:
    service = _services(db, context)
    account = service.get(account_id)
    return {"pats": tokens_out(service.tokens, account, retired=state == "revoked")}


@router.post(
    f"{BASE}/{{id}}/token",
    operation_id="createServiceAccountToken",
    status_code=201,
    responses=answers(PatSchema, 201),
)
def create_token(
    account_id: AccountId,
    body: CreateTokenIn,
    response: Response,
    actor: ActorDep,
    principal: ManagerDep,
    db: SessionDep,
    context: ContextDep,
) -> dict[str, Any]:
    service = _services(db, context)
    new = new_token(db, body)
    issued = service.issue_token(actor, principal, account_id, new)
    response.headers["Location"] = f"{BASE}/{account_id}/token/{issued.token.id}"
    return issued_out(service.tokens, service.get(account_id), issued)


@router.delete(f"{BASE}/{{id}}/token/{{tokenId}}", operation_id="deleteServiceAccountToken")
def delete_token(
    account_id: AccountId,
    token_id: TokenId,
    actor: ActorDep,
    _: ManagerDep,
    db: SessionDep,
    context: ContextDep,
) -> Response:
    _services(db, context).revoke_token(actor, account_id, token_id)
    return Response(status_code=200)


@router.post(
    f"{BASE}/{{id}}/token/{{tokenId}}/rotate",
    operation_id="rotateServiceAccountToken",
    status_code=201,
    responses=answers(PatSchema, 201),
)
def rotate_token(
    account_id: AccountId,
    token_id: TokenId,
    response: Response,
    actor: ActorDep,
    principal: ManagerDep,
    db: SessionDep,
    context: ContextDep,
    body: RotationBody = None,
) -> dict[str, Any]:
    """Flagstaff: a successor for the token; the old one works for ``graceSeconds``."""
    service = _services(db, context)
    issued = service.rotate_token(actor, principal, account_id, token_id, rotation_of(body))
    response.headers["Location"] = f"{BASE}/{account_id}/token/{issued.token.id}"
    return issued_out(service.tokens, service.get(account_id), issued)


def _token_switch(disabled: bool) -> Any:
    def switch(
        account_id: AccountId,
        token_id: TokenId,
        actor: ActorDep,
        _: ManagerDep,
        db: SessionDep,
        context: ContextDep,
    ) -> Response:
        """Flagstaff: turn the token off without deleting it, or back on."""
        service = _services(db, context)
        service.tokens.set_disabled(actor, service.get(account_id), token_id, disabled)
        return Response(status_code=200)

    return switch


def _account_switch(disabled: bool) -> Any:
    def switch(
        account_id: AccountId,
        actor: ActorDep,
        principal: AdminDep,
        db: SessionDep,
        context: ContextDep,
    ) -> Response:
        """Flagstaff: while disabled, every token of the account is refused."""
        _services(db, context).set_disabled(actor, principal, account_id, disabled)
        return Response(status_code=200)

    return switch


for _action, _disabled in (("disable", True), ("enable", False)):
    router.post(
        f"{BASE}/{{id}}/token/{{tokenId}}/{_action}", operation_id=f"{_action}ServiceAccountToken"
    )(_token_switch(_disabled))
    router.post(f"{BASE}/{{id}}/{_action}", operation_id=f"{_action}ServiceAccount")(
        _account_switch(_disabled)
    )


@router.put(
    f"{BASE}/{{id}}/token/{{tokenId}}/self-rotation",
    operation_id="setServiceAccountTokenSelfRotation",
)
def set_token_self_rotation(
    account_id: AccountId,
    token_id: TokenId,
    body: SelfRotationIn,
    actor: ActorDep,
    _: ManagerDep,
    db: SessionDep,
    context: ContextDep,
) -> Response:
    """Flagstaff: allow or forbid the token to rotate itself."""
    service = _services(db, context)
    service.tokens.set_self_rotation(actor, service.get(account_id), token_id, body.enabled)
    return Response(status_code=200)


class ManagersIn(InputModel):
    managers: Annotated[
        list[Annotated[StrictInt, Field(ge=1, le=2_147_483_647)]], Field(max_length=100)
    ]


@router.put(
    f"{BASE}/{{id}}/managers",
    operation_id="setServiceAccountManagers",
    responses=answers(ServiceAccountSchema),
)
def set_managers(
    account_id: AccountId,
    body: ManagersIn,
    actor: ActorDep,
    _: AdminDep,
    db: SessionDep,
    context: ContextDep,
) -> dict[str, Any]:
    """Flagstaff: the people (not admins by necessity) who look after this account's tokens."""
    service = _services(db, context)
    return _account_out(service, service.set_managers(actor, account_id, body.managers))


@router.get(
    f"{BASE}/{{id}}/permissions",
    operation_id="getServiceAccountPermissions",
    responses=answers(ServiceAccountPermissionsOut),
)
def get_permissions(
    account_id: AccountId,
    _: ManagerDep,
    db: SessionDep,
    context: ContextDep,
    project: Annotated[str, Query(max_length=100)] = ROOT_ROLE_PROJECT,
    environment: Annotated[str | None, Query(max_length=100)] = None,
    token_id: Annotated[int | None, Query(alias="tokenId", ge=1, le=2_147_483_647)] = None,
) -> dict[str, Any]:
    """The account's permissions, or (Flagstaff, ``tokenId``) one of its tokens': the account's
    intersected with the token's scopes."""
    service = _services(db, context)
    account = service.get(account_id)
    token = service.tokens.get(account.id, token_id, lock=False) if token_id else None
    principal = account_principal(
        db,
        account,
        CredentialKind.SERVICE_ACCOUNT_TOKEN,
        expires_at=None,
        credential_id=token_id,
        scope=scope_from_json(token.scopes) if token else None,
    )
    overview = access_overview(db, principal, project, environment)
    overview["serviceAccount"] = _account_out(service, account)
    if token is not None:
        [overview["token"]] = tokens_out(service.tokens, account, [token])
    return overview
