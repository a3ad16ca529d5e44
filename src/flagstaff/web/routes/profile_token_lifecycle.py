"""Your own personal access tokens over their life: rotate one (with a grace window; the
successor's secret shown once), disable and enable one."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.responses import Response

from flagstaff.core.db import utcnow
from flagstaff.core.errors import FlagstaffError, NotFoundError
from flagstaff.credentials.account_tokens.rotation import TokenRotation
from flagstaff.web.deps import FormDep, Page, PageDep, PageUser, PostUser, WebUser
from flagstaff.web.forms import FormError, FormState, form_errors, form_values
from flagstaff.web.rendering import redirect
from flagstaff.web.rotation_form import ROTATE_DEFAULTS, ROTATE_FIELDS, rotate_page, rotation_from
from flagstaff.web.routes.profile import own_token, profile_page
from flagstaff.web.routing import WebRoute
from flagstaff.web.token_views import TokenId, TokenRow, switched_flash

router = APIRouter(route_class=WebRoute, include_in_schema=False)

PAT_PATH = "/profile/tokens/{token_id}"


def _rotate_form(
    page: Page, user: WebUser, token: TokenRow, form: FormState, status: int
) -> Response:
    paths = {"action": f"/profile/tokens/{token.id}/rotate", "back": "/profile#tokens"}
    return rotate_page(page, user, token, owner=None, paths=paths, form=form, status=status)


@router.get(PAT_PATH + "/rotate")
def rotate_form(page: PageDep, token_id: TokenId, user: PageUser) -> Response:
    token = own_token(page, user, token_id)
    return _rotate_form(page, user, token, FormState(values=dict(ROTATE_DEFAULTS)), 200)


@router.post(PAT_PATH + "/rotate")
def rotate(page: PageDep, token_id: TokenId, user: PostUser, form: FormDep) -> Response:
    token = own_token(page, user, token_id)
    values = form_values(form, ROTATE_FIELDS)
    try:
        rotation = rotation_from(values, utcnow())
        owner = page.accounts().get_account(user.account_id)
        issued = TokenRotation(page.account_tokens()).rotate(user.actor, owner, token_id, rotation)
    except NotFoundError:
        raise
    except (FormError, FlagstaffError) as problem:
        page.db.rollback()
        return _rotate_form(page, user, token, FormState(values, form_errors(problem)), 400)
    return profile_page(page, user, created=issued, rotated=True)


@router.post(PAT_PATH + "/disable")
def disable(page: PageDep, token_id: TokenId, user: PostUser) -> Response:
    return _switch(page, user, token_id, disabled=True)


@router.post(PAT_PATH + "/enable")
def enable(page: PageDep, token_id: TokenId, user: PostUser) -> Response:
    return _switch(page, user, token_id, disabled=False)


def _switch(page: Page, user: WebUser, token_id: int, *, disabled: bool) -> Response:
    token = own_token(page, user, token_id)
    owner = page.accounts().get_account(user.account_id)
    page.account_tokens().set_disabled(user.actor, owner, token_id, disabled)
    return redirect("/profile#tokens", flash=switched_flash(token.description, disabled))
