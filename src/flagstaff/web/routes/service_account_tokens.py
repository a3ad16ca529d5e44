"""A service account's tokens: create (with the show-once dialog, within a scope) and delete;
for its Admins and its managers."""

from __future__ import annotations

from dataclasses import replace

from fastapi import APIRouter
from starlette.responses import Response

from flagstaff.accounts.models import Account
from flagstaff.core.db import utcnow
from flagstaff.core.errors import FlagstaffError, NotFoundError
from flagstaff.web.account_pages import AccountId
from flagstaff.web.deps import FormDep, ManagerPage, ManagerPost, Page, PageDep
from flagstaff.web.forms import TOKEN_DESCRIPTION_TAKEN, FormError, form_errors, form_status
from flagstaff.web.rendering import redirect
from flagstaff.web.routes.service_accounts import BASE, edit_page
from flagstaff.web.routing import WebRoute
from flagstaff.web.scope_form import new_token_from, token_form_state
from flagstaff.web.token_views import TokenId, TokenRow, find_token, token_rows

router = APIRouter(route_class=WebRoute, include_in_schema=False)


@router.get(BASE + "/{account_id}/tokens")
def tokens(account_id: AccountId, _: ManagerPage) -> Response:
    """Where a reload of the create response lands: the edit page, without any secret."""
    return redirect(f"{BASE}/{account_id}/edit#tokens")


@router.post(BASE + "/{account_id}/tokens")
def create_token(
    page: PageDep, account_id: AccountId, user: ManagerPost, form: FormDep
) -> Response:
    state = token_form_state(form)
    try:
        new = new_token_from(page.db, state, utcnow())
        issued = page.service_accounts().issue_token(user.actor, user.principal, account_id, new)
    except NotFoundError:
        raise
    except (FormError, FlagstaffError) as problem:
        page.db.rollback()
        failed = replace(state, errors=form_errors(problem, TOKEN_DESCRIPTION_TAKEN))
        return edit_page(page, user, account_id, token_form=failed, status=form_status(problem))
    return edit_page(page, user, account_id, created=issued)


def account_token(page: Page, account_id: int, token_id: int) -> tuple[Account, TokenRow]:
    """A listed token of the service account; another account's is not found."""
    service = page.service_accounts()
    account = service.get(account_id)
    rows = token_rows(service.tokens, account, service.tokens.list_for(account.id), utcnow())
    return account, find_token(rows, token_id)


@router.get(BASE + "/{account_id}/tokens/{token_id}/delete")
def delete_token_page(
    page: PageDep, account_id: AccountId, token_id: TokenId, user: ManagerPage
) -> Response:
    account, token = account_token(page, account_id, token_id)
    return page.render(
        "tokens/delete.html",
        user,
        token=token,
        owner=account.name or account.username,
        action=f"{BASE}/{account.id}/tokens/{token.id}/delete",
        back=f"{BASE}/{account.id}/edit#tokens",
    )


@router.post(BASE + "/{account_id}/tokens/{token_id}/delete")
def delete_token(
    account_id: AccountId, token_id: TokenId, user: ManagerPost, page: PageDep
) -> Response:
    _, token = account_token(page, account_id, token_id)
    page.service_accounts().revoke_token(user.actor, account_id, token_id)
    return redirect(
        f"{BASE}/{account_id}/edit#tokens", flash=f'The token "{token.description}" was deleted.'
    )
