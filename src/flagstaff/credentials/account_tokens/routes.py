"""Personal access tokens for people: ``/api/admin/user/tokens`` (Unleash's), with Flagstaff's
lifecycle on them: rotate, disable and enable, self-rotation, and the retired records.

``POST /api/admin/user/tokens/self/rotate`` is the one route an account token may use to mint a
token: its own successor, when an admin allowed it to rotate itself.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, Response
from sqlalchemy import select

from flagstaff.accounts.models import Account
from flagstaff.accounts.schemas import user_out
from flagstaff.accounts.service import AccountService
from flagstaff.core.db import utcnow
from flagstaff.core.errors import OperationDeniedError, UnauthorizedError
from flagstaff.core.http_errors import error_response
from flagstaff.core.routing import TransactionalRoute
from flagstaff.core.schemas import answers
from flagstaff.credentials.account_tokens.models import AccountToken
from flagstaff.credentials.account_tokens.rotation import TokenReusedError, TokenRotation
from flagstaff.credentials.account_tokens.schemas import (
    CreateTokenIn,
    OwnTokenOut,
    PatSchema,
    PatsSchema,
    RotationBody,
    SelfRotationIn,
    new_token,
    rotation_of,
    token_out,
)
from flagstaff.credentials.account_tokens.service import (
    AccountTokenService,
    IssuedToken,
    addresses_of,
)
from flagstaff.flags.environments.models import Environment
from flagstaff.flags.projects.models import Project
from flagstaff.http.context import AppContext
from flagstaff.http.deps import ActorDep, ContextDep, PrincipalDep, SessionDep
from flagstaff.rbac.overview import effective_permissions
from flagstaff.rbac.principal import CredentialKind, Principal

TOKEN_KINDS = (CredentialKind.PERSONAL_TOKEN, CredentialKind.SERVICE_ACCOUNT_TOKEN)

router = APIRouter(route_class=TransactionalRoute, tags=["Personal access tokens"])

BASE = "/api/admin/user/tokens"
TokenId = Annotated[int, Path(ge=1, le=2_147_483_647)]
# "revoked": the retired records (revoked and rotated-out tokens) instead of the live ones.
StateFilter = Annotated[Literal["revoked"] | None, Query()]


def _human(principal: Principal) -> int:
    """PATs belong to people: API tokens have no account, service accounts get theirs from an
    admin (so a leaked service-account token cannot mint itself a longer-lived successor)."""
    if principal.account_id is None:
        raise OperationDeniedError("PATs require an authenticated user.")
    if principal.is_service:
        raise OperationDeniedError(
            "Service accounts cannot manage personal access tokens; an admin manages their tokens."
        )
    return principal.account_id


def token_service(db: SessionDep, context: AppContext) -> AccountTokenService:
    return AccountTokenService(db, context.keys, context.settings)


def tokens_out(
    service: AccountTokenService,
    account: Account,
    tokens: list[AccountToken] | None = None,
    *,
    retired: bool = False,
) -> list[dict[str, Any]]:
    """``tokens`` (else the account's, or its retired ones) as lists show them."""
    now = utcnow()
    disabled = account.disabled_at is not None
    if tokens is None:
        tokens = service.list_for(account.id, retired=retired)
    seen_from = addresses_of(service.session, [token.id for token in tokens])
    return [
        token_out(token, service.state(token, disabled, now), now, addresses=seen_from[token.id])
        for token in tokens
    ]


def issued_out(
    service: AccountTokenService, account: Account, issued: IssuedToken
) -> dict[str, Any]:
    now = utcnow()
    state = service.state(issued.token, account.disabled_at is not None, now)
    return token_out(issued.token, state, now, secret=issued.secret)


def _owner(
    principal: Principal, db: SessionDep, context: AppContext, *, unscoped: bool = False
) -> Account:
    """The caller's own account. ``unscoped``: what could widen a token (creating, rotating,
    enabling one) is refused to a scoped token, which could otherwise mint itself a broader one."""
    if unscoped and principal.scope is not None:
        raise OperationDeniedError(
            "A scoped token cannot create, rotate or enable tokens: use your session or an "
            "unscoped token."
        )
    return AccountService(db, context.passwords).get_account(_human(principal))


@router.get(BASE, operation_id="getPats", responses=answers(PatsSchema))
def get_pats(
    principal: PrincipalDep, db: SessionDep, context: ContextDep, state: StateFilter = None
) -> dict[str, Any]:
    """Your personal access tokens, or (``state=revoked``) your revoked and rotated-out ones."""
    owner = _owner(principal, db, context)
    return {"pats": tokens_out(token_service(db, context), owner, retired=state == "revoked")}


@router.post(BASE, operation_id="createPat", status_code=201, responses=answers(PatSchema, 201))
def create_pat(
    body: CreateTokenIn,
    response: Response,
    principal: PrincipalDep,
    actor: ActorDep,
    db: SessionDep,
    context: ContextDep,
) -> dict[str, Any]:
    owner = _owner(principal, db, context, unscoped=True)
    service = token_service(db, context)
    issued = service.create(actor, owner, new_token(db, body), principal)
    response.headers["Location"] = f"{BASE}/{issued.token.id}"
    return issued_out(service, owner, issued)


@router.get(f"{BASE}/self", operation_id="getOwnToken", responses=answers(OwnTokenOut))
def get_own_token(principal: PrincipalDep, db: SessionDep, context: ContextDep) -> dict[str, Any]:
    """Flagstaff: the calling token itself (never its secret), its account, and what it may do
    here, so a pipeline can check its credential before it runs."""
    token_id = principal.credential_id
    if principal.kind not in TOKEN_KINDS or principal.account_id is None or token_id is None:
        raise OperationDeniedError("Only an account token has a self: call this with one.")
    owner = AccountService(db, context.passwords).get_account(principal.account_id)
    service = token_service(db, context)
    token = service.get(owner.id, token_id, lock=False)
    [body] = tokens_out(service, owner, [token])
    environments = db.scalars(
        select(Environment.name).order_by(Environment.sort_order, Environment.name)
    ).all()
    projects = db.scalars(select(Project.id).order_by(Project.id)).all()
    return {
        "account": user_out(owner),
        "token": body,
        "permissions": effective_permissions(principal, projects, environments),
    }


@router.post(
    f"{BASE}/self/rotate",
    operation_id="rotateOwnToken",
    status_code=201,
    responses=answers(PatSchema, 201),
)
def rotate_own_token(
    response: Response,
    principal: PrincipalDep,
    actor: ActorDep,
    db: SessionDep,
    context: ContextDep,
    body: RotationBody = None,
) -> Any:
    """The calling token's own successor, if an admin allowed it to rotate itself."""
    token_id = principal.credential_id
    if principal.kind not in TOKEN_KINDS or principal.account_id is None or token_id is None:
        raise OperationDeniedError("Only an account token can rotate itself: call this with it.")
    owner = AccountService(db, context.passwords).get_account(principal.account_id)
    service = token_service(db, context)
    rotation = TokenRotation(service)
    known_rotated = principal.rotated_until is not None
    try:
        issued = rotation.rotate_self(
            actor, owner, token_id, rotation_of(body), known_rotated=known_rotated, ip=actor.ip
        )
    except TokenReusedError as reused:
        # An error for the caller, yet committed: the family's revocation must stand.
        return error_response(UnauthorizedError(str(reused)))
    response.headers["Location"] = f"{BASE}/{issued.token.id}"
    return issued_out(service, owner, issued)


@router.delete(f"{BASE}/{{id}}", operation_id="deletePat")
def delete_pat(
    id: TokenId,
    principal: PrincipalDep,
    actor: ActorDep,
    db: SessionDep,
    context: ContextDep,
) -> Response:
    """Revoke one of your tokens at once; its record stays (``state=revoked``)."""
    token_service(db, context).delete(actor, _owner(principal, db, context), id)
    return Response(status_code=200)


@router.post(
    f"{BASE}/{{id}}/rotate",
    operation_id="rotatePat",
    status_code=201,
    responses=answers(PatSchema, 201),
)
def rotate_pat(
    id: TokenId,
    response: Response,
    principal: PrincipalDep,
    actor: ActorDep,
    db: SessionDep,
    context: ContextDep,
    body: RotationBody = None,
) -> dict[str, Any]:
    """Flagstaff: a successor for one of your tokens; the old one works for ``graceSeconds``."""
    owner = _owner(principal, db, context, unscoped=True)
    service = token_service(db, context)
    issued = TokenRotation(service).rotate(actor, owner, id, rotation_of(body))
    response.headers["Location"] = f"{BASE}/{issued.token.id}"
    return issued_out(service, owner, issued)


def _pat_switch(disabled: bool) -> Any:
    def switch(
        id: TokenId, principal: PrincipalDep, actor: ActorDep, db: SessionDep, context: ContextDep
    ) -> Response:
        """Flagstaff: turn one of your tokens off without deleting it, or back on."""
        owner = _owner(principal, db, context, unscoped=not disabled)
        token_service(db, context).set_disabled(actor, owner, id, disabled)
        return Response(status_code=200)

    return switch


for _action, _disabled in (("disable", True), ("enable", False)):
    router.post(f"{BASE}/{{id}}/{_action}", operation_id=f"{_action}Pat")(_pat_switch(_disabled))


@router.put(f"{BASE}/{{id}}/self-rotation", operation_id="setPatSelfRotation")
def set_pat_self_rotation(
    id: TokenId,
    body: SelfRotationIn,
    principal: PrincipalDep,
    actor: ActorDep,
    db: SessionDep,
    context: ContextDep,
) -> Response:
    """Flagstaff: allow or forbid one of your tokens to rotate itself."""
    owner = _owner(principal, db, context, unscoped=True)
    token_service(db, context).set_self_rotation(actor, owner, id, body.enabled)
    return Response(status_code=200)
