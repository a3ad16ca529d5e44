"""Service accounts (Admins): the table, the new and edit forms, and deleting one."""

from __future__ import annotations

import json
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from sqlalchemy.orm import Session
from starlette.responses import Response

from flagstaff.context import AppContext
from flagstaff.db import utcnow
from flagstaff.deps import ContextDep, SessionDep
from flagstaff.errors import FlagstaffError, NameExistsError
from flagstaff.rbac.service import RoleService
from flagstaff.service_accounts.schemas import CreateServiceAccountIn, UpdateServiceAccountIn
from flagstaff.service_accounts.service import ServiceAccountChanges
from flagstaff.tokens.service import IssuedToken
from flagstaff.web import services
from flagstaff.web.deps import AdminPage, AdminPost, FormDep, WebUser, text
from flagstaff.web.forms import (
    DEFAULT_EXPIRY,
    EXPIRY_LABELS,
    FormError,
    FormState,
    expiry_from,
    suggested_username,
    validated,
)
from flagstaff.web.rendering import redirect, render
from flagstaff.web.routing import WebRoute
from flagstaff.web.views import account_row, matching, sorted_rows

router = APIRouter(route_class=WebRoute, include_in_schema=False)

BASE = "/admin/service-accounts"
AccountId = Annotated[int, Path(ge=1, le=2_147_483_647)]
TAKEN = "A service account or user with that username already exists."
SA_FIELDS = {"username": "username", "name": "name", "rootRole": "root_role"}


@router.get(BASE)
def list_page(
    request: Request,
    user: AdminPage,
    db: SessionDep,
    context: ContextDep,
    q: Annotated[str, Query(max_length=200)] = "",
    sort: Annotated[str, Query(max_length=20)] = "created",
    dir: Annotated[str, Query(max_length=4)] = "desc",
) -> Response:
    service = services.service_accounts(db, context)
    accounts = service.list()
    tokens = service.tokens.tokens_by_account([a.id for a in accounts])
    now = utcnow()
    rows = [account_row(a, tokens[a.id], now) for a in accounts]
    ordered, sort, dir = sorted_rows(rows, sort, dir)
    return render(
        request,
        "service_accounts/list.html",
        user=user,
        rows=matching(ordered, q),
        total=len(rows),
        query=q,
        sort=sort,
        direction=dir,
    )


def _role_options(db: Session) -> list[tuple[int, str, str]]:
    return [(r.id, r.name, r.description or "") for r in RoleService(db).root_roles()]


def _form_page(
    request: Request,
    user: WebUser,
    db: Session,
    context: AppContext,
    form: FormState,
    status: int = 200,
) -> Response:
    # For the username suggestion: Unleash suggests a name only if no account holds it.
    taken = sorted(
        {a.username for a in services.accounts(db, context).list_accounts() if a.username}
    )
    return render(
        request,
        "service_accounts/new.html",
        user=user,
        status=status,
        form=form,
        roles=_role_options(db),
        expiry_choices=EXPIRY_LABELS,
        taken_usernames=json.dumps(taken),
    )


@router.get(BASE + "/new")
def new_page(request: Request, user: AdminPage, db: SessionDep, context: ContextDep) -> Response:
    form = FormState(values={"generate": "later", "expiry": DEFAULT_EXPIRY})
    return _form_page(request, user, db, context, form)


def _role_ref(raw: str) -> int | str:
    return int(raw) if raw.isdigit() else raw


@router.post(BASE + "/new")
def create(
    request: Request, user: AdminPost, form: FormDep, db: SessionDep, context: ContextDep
) -> Response:
    values = {
        k: text(form, k)
        for k in (
            "name",
            "username",
            "root_role",
            "generate",
            "description",
            "expiry",
            "expires_at",
        )
    }
    values["username"] = values["username"] or suggested_username(values["name"])
    try:
        body = validated(
            CreateServiceAccountIn,
            {
                "username": values["username"],
                "name": values["name"],
                "rootRole": _role_ref(values["root_role"]),
            },
            SA_FIELDS,
        )
        expires_at = None
        if values["generate"] == "now":
            if not values["description"]:
                raise FormError({"description": "Describe what this token will be used for."})
            expires_at = expiry_from(values["expiry"], values["expires_at"], utcnow())
        service = services.service_accounts(db, context)
        try:
            account = service.create(
                user.actor, user.principal, body.username, body.name, body.root_role
            )
        except NameExistsError:
            raise FormError({"username": TAKEN}) from None
        issued = None
        if expires_at is not None:
            issued = service.issue_token(
                user.actor, user.principal, account.id, values["description"], expires_at
            )
    except (FormError, FlagstaffError) as problem:
        db.rollback()  # neither the account nor its token: nothing half-made
        state = FormState(values, _errors(problem))
        return _form_page(request, user, db, context, state, status=400)
    if issued is None:
        return redirect(f"{BASE}/{account.id}/edit", flash="Service account added successfully.")
    return edit_page(request, user, db, context, account.id, created=issued)


def _errors(problem: Exception) -> dict[str, str]:
    if isinstance(problem, FormError):
        return problem.errors
    assert isinstance(problem, FlagstaffError)
    return {"": problem.message}


def edit_page(
    request: Request,
    user: WebUser,
    db: Session,
    context: AppContext,
    account_id: int,
    *,
    form: FormState | None = None,
    token_form: FormState | None = None,
    created: IssuedToken | None = None,
    status: int = 200,
) -> Response:
    """The edit page; after a token is created (``created``), with its secret in the show-once
    dialog. That response is the only one that ever holds the secret."""
    service = services.service_accounts(db, context)
    account = service.get(account_id)
    tokens = service.tokens.list_for(account.id)
    row = account_row(account, tokens, utcnow())
    limit = context.settings.max_tokens_per_account
    return render(
        request,
        "service_accounts/edit.html",
        user=user,
        status=status,
        account=row,
        form=form or FormState(values={"name": row.name, "root_role": str(account.root_role_id)}),
        token_form=token_form or FormState(values={"expiry": DEFAULT_EXPIRY}),
        roles=_role_options(db),
        expiry_choices=EXPIRY_LABELS,
        limit=limit,
        at_limit=len(tokens) >= limit,
        created_secret=created.secret if created else None,
        created_description=created.token.description if created else None,
    )


@router.get(BASE + "/{account_id}/edit")
def edit(
    request: Request, account_id: AccountId, user: AdminPage, db: SessionDep, context: ContextDep
) -> Response:
    return edit_page(request, user, db, context, account_id)


@router.post(BASE + "/{account_id}/edit")
def update(
    request: Request,
    account_id: AccountId,
    user: AdminPost,
    form: FormDep,
    db: SessionDep,
    context: ContextDep,
) -> Response:
    values = {"name": text(form, "name"), "root_role": text(form, "root_role")}
    try:
        body = validated(
            UpdateServiceAccountIn,
            {"name": values["name"], "rootRole": _role_ref(values["root_role"])},
            SA_FIELDS,
        )
        services.service_accounts(db, context).update(
            user.actor,
            user.principal,
            account_id,
            ServiceAccountChanges(name=body.name, root_role=body.root_role),
        )
    except (FormError, FlagstaffError) as problem:
        db.rollback()
        state = FormState(values, _errors(problem))
        return edit_page(request, user, db, context, account_id, form=state, status=400)
    return redirect(f"{BASE}/{account_id}/edit", flash="Service account updated successfully.")


@router.get(BASE + "/{account_id}/delete")
def delete_page(
    request: Request, account_id: AccountId, user: AdminPage, db: SessionDep, context: ContextDep
) -> Response:
    service = services.service_accounts(db, context)
    account = service.get(account_id)
    row = account_row(account, service.tokens.list_for(account.id), utcnow())
    return render(request, "service_accounts/delete.html", user=user, account=row, error=None)


@router.post(BASE + "/{account_id}/delete")
def delete(
    request: Request, account_id: AccountId, user: AdminPost, db: SessionDep, context: ContextDep
) -> Response:
    service = services.service_accounts(db, context)
    name = service.get(account_id).name or "The service account"
    try:
        service.delete(user.actor, user.principal, account_id)
    except FlagstaffError as problem:
        db.rollback()
        account = service.get(account_id)
        row = account_row(account, service.tokens.list_for(account.id), utcnow())
        return render(
            request,
            "service_accounts/delete.html",
            user=user,
            account=row,
            error=problem.message,
            status=400,
        )
    return redirect(BASE, flash=f"{name} has been deleted.")
