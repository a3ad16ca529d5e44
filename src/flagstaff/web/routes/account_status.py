"""Disabling and enabling accounts (Admins): a disabled person cannot log in and a disabled
service account's tokens are refused, yet nothing is deleted; enabling restores them. The
services refuse to switch yourself, or to disable the last Admin who can log in."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.responses import Response

from flagstaff.web.account_pages import AccountId
from flagstaff.web.deps import AdminPost, FormDep, Page, PageDep, WebUser, text
from flagstaff.web.rendering import redirect
from flagstaff.web.routes import service_accounts, users
from flagstaff.web.routing import WebRoute

router = APIRouter(route_class=WebRoute, include_in_schema=False)

SERVICE_ACCOUNT = service_accounts.BASE + "/{account_id}"
USER = users.BASE + "/{user_id}"


def _back(form_return: str, table: str, edit: str) -> str:
    """Back where the button was: the table (``return=list``) or the account's edit page."""
    return table if form_return == "list" else edit


@router.post(SERVICE_ACCOUNT + "/disable")
def disable_service_account(
    page: PageDep, account_id: AccountId, user: AdminPost, form: FormDep
) -> Response:
    return _switch_service_account(page, user, account_id, text(form, "return"), disabled=True)


@router.post(SERVICE_ACCOUNT + "/enable")
def enable_service_account(
    page: PageDep, account_id: AccountId, user: AdminPost, form: FormDep
) -> Response:
    return _switch_service_account(page, user, account_id, text(form, "return"), disabled=False)


def _switch_service_account(
    page: Page, user: WebUser, account_id: int, form_return: str, *, disabled: bool
) -> Response:
    account = page.service_accounts().set_disabled(user.actor, user.principal, account_id, disabled)
    name = account.name or account.username
    flash = (
        f"{name} is disabled: requests with its tokens are refused."
        if disabled
        else f"{name} is enabled again: its tokens work as before."
    )
    base = service_accounts.BASE
    return redirect(_back(form_return, base, f"{base}/{account_id}/edit"), flash=flash)


@router.post(USER + "/disable")
def disable_user(page: PageDep, user_id: AccountId, user: AdminPost, form: FormDep) -> Response:
    return _switch_user(page, user, user_id, text(form, "return"), disabled=True)


@router.post(USER + "/enable")
def enable_user(page: PageDep, user_id: AccountId, user: AdminPost, form: FormDep) -> Response:
    return _switch_user(page, user, user_id, text(form, "return"), disabled=False)


def _switch_user(
    page: Page, user: WebUser, user_id: int, form_return: str, *, disabled: bool
) -> Response:
    service = page.accounts()
    account = service.get_user(user_id)
    service.set_disabled(user.actor, user.principal, account, disabled)
    name = account.name or account.username or account.email
    flash = (
        f"{name} is disabled: they cannot log in, and their sessions and tokens are refused."
        if disabled
        else f"{name} is enabled again."
    )
    base = users.BASE
    return redirect(_back(form_return, base, f"{base}/{user_id}/edit"), flash=flash)
