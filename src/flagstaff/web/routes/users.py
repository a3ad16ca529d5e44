"""Users (Admins): list, create, change name/e-mail/role, reset a password, delete (disabling
and enabling one is in ``account_status``)."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.responses import Response

from flagstaff.accounts.schemas import CreateUserIn, UpdateUserIn
from flagstaff.accounts.service import NewUser, UserChanges
from flagstaff.accounts.throttle import LoginThrottle
from flagstaff.core.errors import FlagstaffError
from flagstaff.web.account_pages import (
    AccountId,
    TableQueryDep,
    account_form_errors,
    root_role_choices,
    table_values,
)
from flagstaff.web.deps import AdminPage, AdminPost, FormDep, Page, PageDep, WebUser, text
from flagstaff.web.forms import FormError, FormState, OnField, form_values, validated
from flagstaff.web.rendering import redirect
from flagstaff.web.routing import WebRoute
from flagstaff.web.views import account_row

router = APIRouter(route_class=WebRoute, include_in_schema=False)

BASE = "/admin/users"
USER_FIELDS = {
    "username": "username",
    "email": "email",
    "name": "name",
    "password": "password",
    "rootRole": "root_role",
}
TAKEN = "A user or service account with that username or e-mail already exists."


def _role_id(raw: str) -> int | str:
    return int(raw) if raw.isdigit() else ""


@router.get(BASE)
def list_page(page: PageDep, user: AdminPage, asked: TableQueryDep) -> Response:
    rows = [account_row(a, []) for a in page.accounts().list_users()]
    return page.render("users/list.html", user, **table_values(rows, asked))


def _new_page(page: Page, user: WebUser, form: FormState, status: int = 200) -> Response:
    roles = root_role_choices(page.db)
    return page.render("users/new.html", user, form=form, roles=roles, status=status)


@router.get(BASE + "/new")
def new_page(page: PageDep, user: AdminPage) -> Response:
    return _new_page(page, user, FormState())


@router.post(BASE + "/new")
def create(page: PageDep, user: AdminPost, form: FormDep) -> Response:
    values = form_values(form, ("username", "email", "name", "root_role"))
    password = text(form, "password", strip=False)
    try:
        body = validated(
            CreateUserIn,
            {
                "username": values["username"] or None,
                "email": values["email"] or None,
                "name": values["name"] or None,
                "password": password or None,
                "rootRole": _role_id(values["root_role"]),
            },
            USER_FIELDS,
        )
        if not password:
            raise FormError({"password": "Give the user a first password."})
        account = page.accounts().create_user(
            user.actor,
            user.principal,
            NewUser(
                username=body.username,
                email=str(body.email) if body.email else None,
                name=body.name,
                password=body.password,
                root_role=body.root_role,
            ),
        )
    except (FormError, FlagstaffError) as problem:
        page.db.rollback()
        errors = account_form_errors(problem, OnField("username", TAKEN))
        return _new_page(page, user, FormState(values, errors), status=400)
    shown = account.name or account.username or account.email
    return redirect(BASE, flash=f"{shown} was added.")


def edit_page(
    page: Page,
    user: WebUser,
    user_id: int,
    *,
    form: FormState | None = None,
    password_form: FormState | None = None,
    status: int = 200,
) -> Response:
    account = page.accounts().get_user(user_id)
    row = account_row(account, [])
    initial = {"name": row.name, "email": row.email, "root_role": str(account.root_role_id)}
    return page.render(
        "users/edit.html",
        user,
        status=status,
        account=row,
        form=form or FormState(values=initial),
        password_form=password_form or FormState(),
        roles=root_role_choices(page.db),
        is_self=account.id == user.account_id,
    )


@router.get(BASE + "/{user_id}/edit")
def edit(page: PageDep, user_id: AccountId, user: AdminPage) -> Response:
    return edit_page(page, user, user_id)


@router.post(BASE + "/{user_id}/edit")
def update(page: PageDep, user_id: AccountId, user: AdminPost, form: FormDep) -> Response:
    values = form_values(form, ("name", "email", "root_role"))
    try:
        body = validated(
            UpdateUserIn,
            {
                "name": values["name"],
                "email": values["email"] or None,
                "rootRole": _role_id(values["root_role"]),
            },
            USER_FIELDS,
        )
        changes = UserChanges(
            email=str(body.email) if body.email else "",
            name=body.name,
            root_role=body.root_role,
        )
        page.accounts().update_user(user.actor, user.principal, user_id, changes)
    except (FormError, FlagstaffError) as problem:
        page.db.rollback()
        state = FormState(values, account_form_errors(problem, OnField("email", TAKEN)))
        return edit_page(page, user, user_id, form=state, status=400)
    return redirect(f"{BASE}/{user_id}/edit", flash="User updated successfully.")


@router.post(BASE + "/{user_id}/password")
def reset_password(page: PageDep, user_id: AccountId, user: AdminPost, form: FormDep) -> Response:
    password = text(form, "password", strip=False)
    try:
        if password != text(form, "confirm", strip=False):
            raise FormError({"confirm": "The two passwords differ."})
        page.accounts().set_password(user_id, password)
        # As the API's reset: no address has to wait before logging in with the new password.
        throttle = LoginThrottle(page.db, page.context.keys, page.context.login_policy.throttle)
        throttle.clear_account(page.accounts().get_user(user_id))
    except (FormError, FlagstaffError) as problem:
        page.db.rollback()
        state = FormState({}, account_form_errors(problem, OnField("username", TAKEN)))
        return edit_page(page, user, user_id, password_form=state, status=400)
    return redirect(
        f"{BASE}/{user_id}/edit",
        flash="Password reset. The user was signed out everywhere and logs in with the new one.",
    )


def _delete_page(
    page: Page, user: WebUser, user_id: int, error: str | None = None, status: int = 200
) -> Response:
    row = account_row(page.accounts().get_user(user_id), [])
    is_self = row.id == user.account_id
    return page.render(
        "users/delete.html", user, account=row, error=error, is_self=is_self, status=status
    )


@router.get(BASE + "/{user_id}/delete")
def delete_page(page: PageDep, user_id: AccountId, user: AdminPage) -> Response:
    return _delete_page(page, user, user_id)


@router.post(BASE + "/{user_id}/delete")
def delete(page: PageDep, user_id: AccountId, user: AdminPost) -> Response:
    service = page.accounts()
    account = service.get_user(user_id)
    shown = account.name or account.username or account.email or "The user"
    try:
        if account.id == user.account_id:
            raise FormError({"": "You cannot delete yourself."})
        service.delete_user(user.actor, user_id)
    except (FormError, FlagstaffError) as problem:
        page.db.rollback()
        error = next(iter(account_form_errors(problem, OnField("username", TAKEN)).values()))
        return _delete_page(page, user, user_id, error, status=400)
    return redirect(BASE, flash=f"{shown} has been deleted.")
