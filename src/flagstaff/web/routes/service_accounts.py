"""Service accounts (Admins): the table, the new and edit forms (with the account's tokens, or
its revoked ones), and deleting one. A manager sees the table and the edit page of the accounts
they look after, without the account's own controls."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Annotated

from fastapi import APIRouter, Query
from starlette.responses import Response

from flagstaff.accounts.models import Account
from flagstaff.core.db import utcnow
from flagstaff.core.errors import FlagstaffError
from flagstaff.credentials.account_tokens.service import IssuedToken
from flagstaff.credentials.federation.service import TrustPolicyService
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
from flagstaff.web.deps import (
    AdminPage,
    AdminPost,
    FormDep,
    ManagerPage,
    Page,
    PageDep,
    PageUser,
    WebUser,
)
from flagstaff.web.errors import ForbiddenError
from flagstaff.web.forms import (
    FormError,
    FormState,
    OnField,
    expiry_options,
    form_status,
    form_values,
    suggested_username,
    validated,
)
from flagstaff.web.manager_choices import ManagerChoice, manager_choices
from flagstaff.web.rendering import redirect
from flagstaff.web.routing import WebRoute
from flagstaff.web.scope_form import new_token_from, scope_options, token_form_state
from flagstaff.web.token_views import token_rows
from flagstaff.web.trust_policy_form import PolicyRow, policy_row
from flagstaff.web.views import AccountRow, account_row

router = APIRouter(route_class=WebRoute, include_in_schema=False)

BASE = "/admin/service-accounts"
TAKEN = OnField("username", "A service account or user with that username already exists.")
SA_FIELDS = {"username": "username", "name": "name", "rootRole": "root_role"}
# ?show=retired: the edit page lists the revoked and rotated-out tokens instead of the live ones.
ShowQuery = Annotated[str, Query(max_length=10)]


def _row(page: Page, account_id: int) -> AccountRow:
    """The account with its tokens, as the tables and confirmations show it."""
    service = page.service_accounts()
    account = service.get(account_id)
    tokens = service.tokens.list_for(account.id)
    return account_row(account, token_rows(service.tokens, account, tokens, utcnow()))


@router.get(BASE)
def list_page(page: PageDep, user: PageUser, asked: TableQueryDep) -> Response:
    """Every service account for an Admin; for a manager, the ones they look after."""
    service = page.service_accounts()
    accounts = service.managed_by(user.principal)
    if not accounts and not user.is_admin:
        raise ForbiddenError()
    tokens = service.tokens.tokens_by_account([a.id for a in accounts])
    now = utcnow()
    # The table shows no client addresses: none are looked up.
    rows = [
        account_row(a, token_rows(service.tokens, a, tokens[a.id], now, addresses={}))
        for a in accounts
    ]
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
        expiry=expiry_options(page.account_tokens().policy),
        scope=scope_options(page.db, user),
        taken_usernames=json.dumps(taken),
    )


@router.get(BASE + "/new")
def new_page(page: PageDep, user: AdminPage) -> Response:
    expiry = expiry_options(page.account_tokens().policy)
    form = FormState(values={"generate": "later", "expiry": expiry.default})
    return _form_page(page, user, form)


@router.post(BASE + "/new")
def create(page: PageDep, user: AdminPost, form: FormDep) -> Response:
    state = token_form_state(form, ("name", "username", "root_role", "generate"))
    values = state.values
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
        # The token's form is checked before anything is made.
        new = new_token_from(page.db, state, utcnow()) if values["generate"] == "now" else None
        service = page.service_accounts()
        account = service.create(
            user.actor, user.principal, body.username, body.name, body.root_role
        )
        issued = None
        if new is not None:
            issued = service.issue_token(user.actor, user.principal, account.id, new)
    except (FormError, FlagstaffError) as problem:
        page.db.rollback()  # neither the account nor its token: nothing half-made
        failed = replace(state, errors=account_form_errors(problem, TAKEN))
        return _form_page(page, user, failed, status=form_status(problem))
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
    managers_error: str | None = None,
    created: IssuedToken | None = None,
    rotated: bool = False,
    retired: bool = False,
    status: int = 200,
) -> Response:
    """The edit page; after a token is created or rotated (``created``), with its secret in the
    show-once dialog. That response is the only one that ever holds the secret. A manager sees
    the tokens and their actions; the account's own controls and its managers are for Admins."""
    service = page.service_accounts()
    account = service.get(account_id)
    tokens, now = service.tokens, utcnow()
    current = token_rows(tokens, account, tokens.list_for(account.id), now)
    shown = (
        token_rows(tokens, account, tokens.list_for(account.id, retired=True), now)
        if retired
        else current
    )
    row = account_row(account, shown)
    # Rotated tokens in their grace window are listed, but only live ones count to the limit.
    # Federated tokens do not count either: the exchange mints them by the hour.
    counted = sum(1 for token in current if token.live and token.federated is None)
    limit = page.context.settings.max_tokens_per_account
    expiry = expiry_options(tokens.policy)
    scope = scope_options(page.db, user, manager=not user.is_admin)
    return page.render(
        "service_accounts/edit.html",
        user,
        status=status,
        account=row,
        retired=retired,
        form=form or FormState(values={"name": row.name, "root_role": str(account.root_role_id)}),
        token_form=token_form or FormState(values={"expiry": expiry.default}),
        roles=root_role_choices(page.db),
        expiry=expiry,
        scope=scope,
        managers=_managers(page, user, account.id),
        managers_error=managers_error,
        trust_policies=_trust_policies(page, user, account),
        policy_cap_minutes=page.context.settings.oidc_max_token_lifetime_seconds // 60,
        limit=limit,
        counted=counted,
        at_limit=counted >= limit,
        created_secret=created.secret if created else None,
        created_description=created.token.description if created else None,
        rotated=rotated,
    )


def _trust_policies(page: Page, user: WebUser, account: Account) -> list[PolicyRow]:
    """Its trust policies, for an Admin; nothing for a manager, who may not see them."""
    if not user.is_admin:
        return []
    service = TrustPolicyService(page.db, page.context.settings)
    return [policy_row(policy) for policy in service.list_for(account)]


def _managers(page: Page, user: WebUser, account_id: int) -> list[ManagerChoice]:
    """Who may manage it, for an Admin to choose; nothing for a manager, who may not."""
    if not user.is_admin:
        return []
    service = page.service_accounts()
    chosen = {m.id for m in service.managers_of([account_id])[account_id]}
    return manager_choices(page.accounts().list_users(), chosen)


@router.get(BASE + "/{account_id}/edit")
def edit(page: PageDep, account_id: AccountId, user: ManagerPage, show: ShowQuery = "") -> Response:
    return edit_page(page, user, account_id, retired=show == "retired")


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
