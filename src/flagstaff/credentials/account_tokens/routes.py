"""Personal access tokens for humans: ``/api/admin/user/tokens``."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Response

from flagstaff.accounts.service import AccountService
from flagstaff.core.errors import OperationDeniedError
from flagstaff.core.routing import TransactionalRoute
from flagstaff.credentials.account_tokens.schemas import CreateTokenIn, token_out
from flagstaff.credentials.account_tokens.service import AccountTokenService, TokenOwnerKind
from flagstaff.http.deps import ActorDep, ContextDep, PrincipalDep, SessionDep
from flagstaff.rbac.principal import Principal

router = APIRouter(route_class=TransactionalRoute, tags=["Personal access tokens"])

TokenId = Annotated[int, Path(ge=1, le=2_147_483_647)]


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


def _service(db: SessionDep, context: ContextDep) -> AccountTokenService:
    return AccountTokenService(db, context.keys, context.settings.max_tokens_per_account)


@router.get("/api/admin/user/tokens", operation_id="getPats")
def get_pats(principal: PrincipalDep, db: SessionDep, context: ContextDep) -> dict[str, Any]:
    account_id = _human(principal)
    return {"pats": [token_out(t) for t in _service(db, context).list_for(account_id)]}


@router.post("/api/admin/user/tokens", operation_id="createPat", status_code=201)
def create_pat(
    body: CreateTokenIn,
    response: Response,
    principal: PrincipalDep,
    actor: ActorDep,
    db: SessionDep,
    context: ContextDep,
) -> dict[str, Any]:
    owner = AccountService(db, context.passwords).get_account(_human(principal))
    issued = _service(db, context).create(
        actor, owner, TokenOwnerKind.PERSONAL, body.description, body.expires_at
    )
    response.headers["Location"] = f"/api/admin/user/tokens/{issued.token.id}"
    return token_out(issued.token, secret=issued.secret)


@router.delete("/api/admin/user/tokens/{id}", operation_id="deletePat")
def delete_pat(
    id: TokenId,
    principal: PrincipalDep,
    actor: ActorDep,
    db: SessionDep,
    context: ContextDep,
) -> Response:
    # Another person's token id is "not found": whether it exists is none of the caller's business.
    _service(db, context).delete(actor, _human(principal), id, TokenOwnerKind.PERSONAL)
    return Response(status_code=200)
