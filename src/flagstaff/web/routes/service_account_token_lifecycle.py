"""A service account's token over its life: rotate it (with a grace window; the successor's
secret shown once), disable and enable it, allow or forbid it to rotate itself; for its Admins
and its managers."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.responses import Response

from flagstaff.accounts.models import Account
from flagstaff.core.db import utcnow
from flagstaff.core.errors import BadDataError, FlagstaffError, NotFoundError
from flagstaff.web.account_pages import AccountId
from flagstaff.web.deps import (
    FormDep,
    ManagerPage,
    ManagerPost,
    Page,
    PageDep,
    WebUser,
    text,
)
from flagstaff.web.forms import FormError, FormState, form_errors, form_values
from flagstaff.web.rendering import redirect
from flagstaff.web.rotation_form import ROTATE_DEFAULTS, ROTATE_FIELDS, rotate_page, rotation_from
from flagstaff.web.routes.service_account_tokens import account_token
from flagstaff.web.routes.service_accounts import BASE, edit_page
from flagstaff.web.routing import WebRoute
from flagstaff.web.token_views import TokenId, TokenRow, switched_flash

router = APIRouter(route_class=WebRoute, include_in_schema=False)

TOKEN_PATH = BASE + "/{account_id}/tokens/{token_id}"


def _rotate_form(
    page: Page, user: WebUser, account: Account, token: TokenRow, form: FormState, status: int
) -> Response:
    tokens = f"{BASE}/{account.id}/tokens/{token.id}"
    return rotate_page(
        page,
        user,
        token,
        owner=account.name or account.username,
        paths={"action": f"{tokens}/rotate", "back": f"{BASE}/{account.id}/edit#tokens"},
        form=form,
        status=status,
    )


@router.get(TOKEN_PATH + "/rotate")
def rotate_form(
    page: PageDep, account_id: AccountId, token_id: TokenId, user: ManagerPage
) -> Response:
    account, token = account_token(page, account_id, token_id)
    return _rotate_form(page, user, account, token, FormState(values=dict(ROTATE_DEFAULTS)), 200)


@router.post(TOKEN_PATH + "/rotate")
def rotate(
    page: PageDep, account_id: AccountId, token_id: TokenId, user: ManagerPost, form: FormDep
) -> Response:
    account, token = account_token(page, account_id, token_id)
    values = form_values(form, ROTATE_FIELDS)
    try:
        rotation = rotation_from(values, utcnow())
        issued = page.service_accounts().rotate_token(
            user.actor, user.principal, account_id, token_id, rotation
        )
    except NotFoundError:
        raise
    except (FormError, FlagstaffError) as problem:
        page.db.rollback()
        state = FormState(values, form_errors(problem))
        return _rotate_form(page, user, account, token, state, 400)
    return edit_page(page, user, account_id, created=issued, rotated=True)


@router.post(TOKEN_PATH + "/disable")
def disable(page: PageDep, account_id: AccountId, token_id: TokenId, user: ManagerPost) -> Response:
    return _switch(page, user, account_id, token_id, disabled=True)


@router.post(TOKEN_PATH + "/enable")
def enable(page: PageDep, account_id: AccountId, token_id: TokenId, user: ManagerPost) -> Response:
    return _switch(page, user, account_id, token_id, disabled=False)


def _switch(
    page: Page, user: WebUser, account_id: int, token_id: int, *, disabled: bool
) -> Response:
    account, token = account_token(page, account_id, token_id)
    page.service_accounts().tokens.set_disabled(user.actor, account, token_id, disabled)
    flash = switched_flash(token.description, disabled)
    return redirect(f"{BASE}/{account_id}/edit#tokens", flash=flash)


@router.post(TOKEN_PATH + "/self-rotation")
def self_rotation(
    page: PageDep, account_id: AccountId, token_id: TokenId, user: ManagerPost, form: FormDep
) -> Response:
    account, token = account_token(page, account_id, token_id)
    allowed = text(form, "allowed")
    if allowed not in ("true", "false"):
        raise BadDataError("Say whether the token may rotate itself: allowed is true or false.")
    page.service_accounts().tokens.set_self_rotation(
        user.actor, account, token_id, allowed == "true"
    )
    flash = (
        f'The token "{token.description}" may now rotate itself.'
        if allowed == "true"
        else f'The token "{token.description}" may no longer rotate itself.'
    )
    return redirect(f"{BASE}/{account_id}/edit#tokens", flash=flash)
