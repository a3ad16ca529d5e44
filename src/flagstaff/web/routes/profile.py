"""Profile: who you are, your personal access tokens (show-once on create; their revoked records
under ?show=retired), your password."""

from __future__ import annotations

from dataclasses import replace
from typing import Annotated

from fastapi import APIRouter, Query
from starlette.responses import Response

from flagstaff.accounts.passwords import WeakPasswordError
from flagstaff.core.db import utcnow
from flagstaff.core.errors import FlagstaffError
from flagstaff.credentials.account_tokens.service import IssuedToken
from flagstaff.web.deps import FormDep, Page, PageDep, PageUser, PostUser, WebUser, text
from flagstaff.web.forms import (
    TOKEN_DESCRIPTION_TAKEN,
    FormError,
    FormState,
    OnField,
    expiry_options,
    form_errors,
    form_status,
)
from flagstaff.web.rendering import redirect
from flagstaff.web.routing import WebRoute
from flagstaff.web.scope_form import new_token_from, scope_options, token_form_state
from flagstaff.web.token_views import TokenId, TokenRow, find_token, token_rows
from flagstaff.web.views import account_row

router = APIRouter(route_class=WebRoute, include_in_schema=False)


def profile_page(
    page: Page,
    user: WebUser,
    *,
    token_form: FormState | None = None,
    password_form: FormState | None = None,
    created: IssuedToken | None = None,
    rotated: bool = False,
    retired: bool = False,
    status: int = 200,
) -> Response:
    account = page.accounts().get_account(user.account_id)
    tokens, now = page.account_tokens(), utcnow()
    current = token_rows(tokens, account, tokens.list_for(account.id), now)
    shown = (
        token_rows(tokens, account, tokens.list_for(account.id, retired=True), now)
        if retired
        else current
    )
    counted = sum(1 for token in current if token.live)
    limit = page.context.settings.max_tokens_per_account
    expiry = expiry_options(tokens.policy)
    return page.render(
        "profile/profile.html",
        user,
        status=status,
        account=account_row(account, shown),
        retired=retired,
        token_form=token_form or FormState(values={"expiry": expiry.default}),
        password_form=password_form or FormState(),
        expiry=expiry,
        scope=scope_options(page.db, user),
        limit=limit,
        counted=counted,
        at_limit=counted >= limit,
        created_secret=created.secret if created else None,
        created_description=created.token.description if created else None,
        rotated=rotated,
    )


@router.get("/profile")
def profile(
    page: PageDep, user: PageUser, show: Annotated[str, Query(max_length=10)] = ""
) -> Response:
    return profile_page(page, user, retired=show == "retired")


@router.get("/profile/tokens")
def tokens(_: PageUser) -> Response:
    """Where a reload of the create response lands: the profile, without any secret."""
    return redirect("/profile#tokens")


@router.post("/profile/tokens")
def create_token(page: PageDep, user: PostUser, form: FormDep) -> Response:
    state = token_form_state(form)
    try:
        new = new_token_from(page.db, state, utcnow())
        owner = page.accounts().get_account(user.account_id)
        # You are its creator: its scope may not reach beyond your own permissions.
        issued = page.account_tokens().create(user.actor, owner, new, user.principal)
    except (FormError, FlagstaffError) as problem:
        page.db.rollback()
        failed = replace(state, errors=form_errors(problem, TOKEN_DESCRIPTION_TAKEN))
        return profile_page(page, user, token_form=failed, status=form_status(problem))
    return profile_page(page, user, created=issued)


def own_token(page: Page, user: WebUser, token_id: int) -> TokenRow:
    """One of your listed tokens; anyone else's is not found."""
    owner = page.accounts().get_account(user.account_id)
    service = page.account_tokens()
    rows = token_rows(service, owner, service.list_for(owner.id), utcnow())
    return find_token(rows, token_id)


@router.get("/profile/tokens/{token_id}/delete")
def delete_token_page(page: PageDep, token_id: TokenId, user: PageUser) -> Response:
    token = own_token(page, user, token_id)
    return page.render(
        "tokens/delete.html",
        user,
        token=token,
        owner=None,
        action=f"/profile/tokens/{token.id}/delete",
        back="/profile#tokens",
    )


@router.post("/profile/tokens/{token_id}/delete")
def delete_token(page: PageDep, token_id: TokenId, user: PostUser) -> Response:
    token = own_token(page, user, token_id)
    owner = page.accounts().get_account(user.account_id)
    page.account_tokens().delete(user.actor, owner, token_id)
    return redirect("/profile#tokens", flash=f'The token "{token.description}" was deleted.')


@router.post("/profile/password")
def change_password(page: PageDep, user: PostUser, form: FormDep) -> Response:
    service = page.accounts()
    password = text(form, "password", strip=False)
    try:
        account = service.get_user(user.account_id)
        old = text(form, "old", strip=False)
        if not page.context.passwords.verify(account.password_hash, old):
            raise FormError({"old": "That is not your current password."})
        if password != text(form, "confirm", strip=False):
            raise FormError({"confirm": "The two passwords differ."})
        # The session you are using stays; your other sessions end.
        service.set_password(account.id, password, keep_session_id=user.principal.credential_id)
    except (FormError, FlagstaffError) as problem:
        page.db.rollback()
        state = FormState({}, form_errors(problem, {WeakPasswordError: OnField("password")}))
        return profile_page(page, user, password_form=state, status=400)
    return redirect("/profile", flash="Your password was changed. Your other sessions ended.")
