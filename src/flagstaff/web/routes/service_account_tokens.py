"""A service account's tokens: create (with the show-once dialog) and delete."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request
from sqlalchemy.orm import Session
from starlette.responses import Response

from flagstaff.accounts.models import Account
from flagstaff.context import AppContext
from flagstaff.db import utcnow
from flagstaff.deps import ContextDep, SessionDep
from flagstaff.errors import FlagstaffError, NameExistsError, NotFoundError
from flagstaff.web import services
from flagstaff.web.deps import AdminPage, AdminPost, FormDep, text
from flagstaff.web.forms import FormError, FormState, expiry_from
from flagstaff.web.rendering import redirect, render
from flagstaff.web.routes.service_accounts import BASE, AccountId, edit_page
from flagstaff.web.routing import WebRoute
from flagstaff.web.views import TokenRow, token_row

router = APIRouter(route_class=WebRoute, include_in_schema=False)

TokenId = Annotated[int, Path(ge=1, le=2_147_483_647)]
DUPLICATE = "A token with that description already exists."


@router.get(BASE + "/{account_id}/tokens")
def tokens(account_id: AccountId, _: AdminPage) -> Response:
    """Where a reload of the create response lands: the edit page, without any secret."""
    return redirect(f"{BASE}/{account_id}/edit#tokens")


@router.post(BASE + "/{account_id}/tokens")
def create_token(
    request: Request,
    account_id: AccountId,
    user: AdminPost,
    form: FormDep,
    db: SessionDep,
    context: ContextDep,
) -> Response:
    values = {k: text(form, k) for k in ("description", "expiry", "expires_at")}
    try:
        if not values["description"]:
            raise FormError({"description": "Describe what this token will be used for."})
        expires_at = expiry_from(values["expiry"], values["expires_at"], utcnow())
        issued = services.service_accounts(db, context).issue_token(
            user.actor, user.principal, account_id, values["description"], expires_at
        )
    except NotFoundError:
        raise
    except NameExistsError:
        db.rollback()
        state = FormState(values, {"description": DUPLICATE})
        return edit_page(request, user, db, context, account_id, token_form=state, status=400)
    except (FormError, FlagstaffError) as problem:
        db.rollback()
        errors = problem.errors if isinstance(problem, FormError) else {"": str(problem)}
        state = FormState(values, errors)
        return edit_page(request, user, db, context, account_id, token_form=state, status=400)
    return edit_page(request, user, db, context, account_id, created=issued)


def _token(
    db: Session, context: AppContext, account_id: int, token_id: int
) -> tuple[Account, TokenRow]:
    service = services.service_accounts(db, context)
    account = service.get(account_id)
    for token in service.tokens.list_for(account.id):
        if token.id == token_id:
            return account, token_row(token, utcnow())
    raise NotFoundError(f"Could not find a token with id {token_id}")


@router.get(BASE + "/{account_id}/tokens/{token_id}/delete")
def delete_token_page(
    request: Request,
    account_id: AccountId,
    token_id: TokenId,
    user: AdminPage,
    db: SessionDep,
    context: ContextDep,
) -> Response:
    account, token = _token(db, context, account_id, token_id)
    return render(
        request,
        "service_accounts/token_delete.html",
        user=user,
        account_id=account.id,
        account_name=account.name or account.username,
        token=token,
    )


@router.post(BASE + "/{account_id}/tokens/{token_id}/delete")
def delete_token(
    account_id: AccountId,
    token_id: TokenId,
    user: AdminPost,
    db: SessionDep,
    context: ContextDep,
) -> Response:
    _, token = _token(db, context, account_id, token_id)
    services.service_accounts(db, context).revoke_token(user.actor, account_id, token_id)
    return redirect(
        f"{BASE}/{account_id}/edit#tokens", flash=f'The token "{token.description}" was deleted.'
    )
