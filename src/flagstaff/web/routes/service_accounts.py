"""Service accounts (Admins): the table, the new and edit forms, and deleting one."""

from __future__ import annotations

import json

from fastapi import APIRouter
from starlette.responses import Response

from flagstaff.core.db import utcnow
from flagstaff.core.errors import FlagstaffError
from flagstaff.credentials.account_tokens.service import IssuedToken, NewToken
from flagstaff.service_accounts.schemas import CreateServiceAccountIn, UpdateServiceAccountIn
from flagstaff.service_accounts.service import ServiceAccountChanges
from flagstaff.web.account_pages import (
    AccountId,
    TableQueryDep,
    account_form_errors,
    role_ref,
    root_role_choices,
    table_values,
)
from flagstaff.web.deps import AdminPage, AdminPost, FormDep, Page, PageDep, WebUser
from flagstaff.web.forms import (
    DEFAULT_EXPIRY,
    EXPIRY_LABELS,
    TOKEN_FIELDS,
    FormError,
    FormState,
    OnField,
    form_values,
    suggested_username,
    token_expiry,
    validated,
)
from flagstaff.web.rendering import redirect
from flagstaff.web.routing import WebRoute
from flagstaff.web.views import AccountRow, account_row

router = APIRouter(route_class=WebRoute, include_in_schema=False)

BASE = "/admin/service-accounts"
TAKEN = OnField("username", "A service account or user with that username already exists.")
SA_FIELDS = {"username": "username", "name": "name", "rootRole": "root_role"}


def _row(page: Page, account_id: int) -> AccountRow:
    """The account with its tokens, as the tables and confirmations show it."""
    service = page.service_accounts()
    account = service.get(account_id)
    return account_row(account, service.tokens.list_for(account.id), utcnow())


@router.get(BASE)
def list_page(page: PageDep, user: AdminPage, asked: TableQueryDep) -> Response:
    service = page.service_accounts()
    accounts = service.list()
    tokens = service.tokens.tokens_by_account([a.id for a in accounts])
    now = utcnow()
    rows = [account_row(a, tokens[a.id], now) for a in accounts]
    return page.render("service_accounts/list.html", user, **table_values(rows, asked))


def _form_page(page: Page, user: WebUser, form: FormState, status: int = 200) -> Response:
    # For the username suggestion: Unleash suggests a name only if no account holds it.
    taken = sorted({a.username for a in page.accounts().list_accounts() if a.username})
    return page.render(
        "service_accounts/new.html",
        user,
        status=status,
        form=form,
        roles=root_role_choices(page.db),
        expiry_choices=EXPIRY_LABELS,
        taken_usernames=json.dumps(taken),
    )


@router.get(BASE + "/new")
def new_page(page: PageDep, user: AdminPage) -> Response:
    form = FormState(values={"generate": "later", "expiry": DEFAULT_EXPIRY})
    return _form_page(page, user, form)


@router.post(BASE + "/new")
def create(page: PageDep, user: AdminPost, form: FormDep) -> Response:
    values = form_values(form, ("name", "username", "root_role", "generate", *TOKEN_FIELDS))
    values["username"] = values["username"] or suggested_username(values["name"])
    try:
        body = validated(
            CreateServiceAccountIn,
            {
                "username": values["username"],
                "name": values["name"],
                "rootRole": role_ref(values["root_role"]),
            },
            SA_FIELDS,
        )
        expires_at = token_expiry(values, utcnow()) if values["generate"] == "now" else None
        service = page.service_accounts()
        account = service.create(
            user.actor, user.principal, body.username, body.name, body.root_role
        )
        issued = None
        if expires_at is not None:
            new = NewToken(values["description"], expires_at)
            issued = service.issue_token(user.actor, user.principal, account.id, new)
    except (FormError, FlagstaffError) as problem:
        page.db.rollback()  # neither the account nor its token: nothing half-made
        state = FormState(values, account_form_errors(problem, TAKEN))
        return _form_page(page, user, state, status=400)
    if issued is None:
        return redirect(f"{BASE}/{account.id}/edit", flash="Service account added successfully.")
    return edit_page(page, user, account.id, created=issued)


def edit_page(
    page: Page,
    user: WebUser,
    account_id: int,
    *,
    form: FormState | None = None,
    token_form: FormState | None = None,
    created: IssuedToken | None = None,
    status: int = 200,
) -> Response:
    """The edit page; after a token is created (``created``), with its secret in the show-once
    dialog. That response is the only one that ever holds the secret."""
    service = page.service_accounts()
    account = service.get(account_id)
    tokens = service.tokens.list_for(account.id)
    row = account_row(account, tokens, utcnow())
    limit = page.context.settings.max_tokens_per_account
    return page.render(
        "service_accounts/edit.html",
        user,
        status=status,
        account=row,
        form=form or FormState(values={"name": row.name, "root_role": str(account.root_role_id)}),
        token_form=token_form or FormState(values={"expiry": DEFAULT_EXPIRY}),
        roles=root_role_choices(page.db),
        expiry_choices=EXPIRY_LABELS,
        limit=limit,
        at_limit=len(tokens) >= limit,
        created_secret=created.secret if created else None,
        created_description=created.token.description if created else None,
    )


@router.get(BASE + "/{account_id}/edit")
def edit(page: PageDep, account_id: AccountId, user: AdminPage) -> Response:
    return edit_page(page, user, account_id)


@router.post(BASE + "/{account_id}/edit")
def update(page: PageDep, account_id: AccountId, user: AdminPost, form: FormDep) -> Response:
    values = form_values(form, ("name", "root_role"))
    try:
        body = validated(
            UpdateServiceAccountIn,
            {"name": values["name"], "rootRole": role_ref(values["root_role"])},
            SA_FIELDS,
        )
        page.service_accounts().update(
            user.actor,
            user.principal,
            account_id,
            ServiceAccountChanges(name=body.name, root_role=body.root_role),
        )
    except (FormError, FlagstaffError) as problem:
        page.db.rollback()
        state = FormState(values, account_form_errors(problem, TAKEN))
        return edit_page(page, user, account_id, form=state, status=400)
    return redirect(f"{BASE}/{account_id}/edit", flash="Service account updated successfully.")


@router.get(BASE + "/{account_id}/delete")
def delete_page(page: PageDep, account_id: AccountId, user: AdminPage) -> Response:
    row = _row(page, account_id)
    return page.render("service_accounts/delete.html", user, account=row, error=None)


@router.post(BASE + "/{account_id}/delete")
def delete(page: PageDep, account_id: AccountId, user: AdminPost) -> Response:
    service = page.service_accounts()
    name = service.get(account_id).name or "The service account"
    try:
        service.delete(user.actor, user.principal, account_id)
    except FlagstaffError as problem:
        page.db.rollback()
        row = _row(page, account_id)
        return page.render(
            "service_accounts/delete.html", user, account=row, error=problem.message, status=400
        )
    return redirect(BASE, flash=f"{name} has been deleted.")
