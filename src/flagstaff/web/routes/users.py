"""Users (Admins): list, create, change name/e-mail/role, reset a password, delete."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from sqlalchemy.orm import Session
from starlette.responses import Response

from flagstaff.accounts.schemas import CreateUserIn, UpdateUserIn
from flagstaff.accounts.service import NewUser, UserChanges
from flagstaff.auth.passwords import WeakPasswordError
from flagstaff.context import AppContext
from flagstaff.db import utcnow
from flagstaff.deps import ContextDep, SessionDep
from flagstaff.errors import FlagstaffError, NameExistsError
from flagstaff.rbac.service import RoleService
from flagstaff.web import services
from flagstaff.web.deps import AdminPage, AdminPost, FormDep, WebUser, text
from flagstaff.web.forms import FormError, FormState, validated
from flagstaff.web.rendering import redirect, render
from flagstaff.web.routing import WebRoute
from flagstaff.web.views import account_row, matching, sorted_rows

router = APIRouter(route_class=WebRoute, include_in_schema=False)

BASE = "/admin/users"
UserId = Annotated[int, Path(ge=1, le=2_147_483_647)]
USER_FIELDS = {
    "username": "username",
    "email": "email",
    "name": "name",
    "password": "password",
    "rootRole": "root_role",
}
TAKEN = "A user or service account with that username or e-mail already exists."


def _roles(db: Session) -> list[tuple[int, str, str]]:
    return [(r.id, r.name, r.description or "") for r in RoleService(db).root_roles()]


def _errors(problem: Exception) -> dict[str, str]:
    if isinstance(problem, FormError):
        return problem.errors
    if isinstance(problem, WeakPasswordError):
        return {"password": " ".join(d["message"] for d in problem.details)}
    if isinstance(problem, NameExistsError):
        return {"username": TAKEN}
    assert isinstance(problem, FlagstaffError)
    return {"": problem.message}


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
    now = utcnow()
    rows = [account_row(a, [], now) for a in services.accounts(db, context).list_users()]
    ordered, sort, dir = sorted_rows(rows, sort, dir)
    return render(
        request,
        "users/list.html",
        user=user,
        rows=matching(ordered, q),
        total=len(rows),
        query=q,
        sort=sort,
        direction=dir,
    )


def _new_page(
    request: Request, user: WebUser, db: Session, form: FormState, status: int = 200
) -> Response:
    return render(request, "users/new.html", user=user, form=form, roles=_roles(db), status=status)


@router.get(BASE + "/new")
def new_page(request: Request, user: AdminPage, db: SessionDep) -> Response:
    return _new_page(request, user, db, FormState())


@router.post(BASE + "/new")
def create(
    request: Request, user: AdminPost, form: FormDep, db: SessionDep, context: ContextDep
) -> Response:
    values = {k: text(form, k) for k in ("username", "email", "name", "root_role")}
    password = text(form, "password", strip=False)
    try:
        body = validated(
            CreateUserIn,
            {
                "username": values["username"] or None,
                "email": values["email"] or None,
                "name": values["name"] or None,
                "password": password or None,
                "rootRole": int(values["root_role"]) if values["root_role"].isdigit() else "",
            },
            USER_FIELDS,
        )
        if not password:
            raise FormError({"password": "Give the user a first password."})
        account = services.accounts(db, context).create_user(
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
        db.rollback()
        return _new_page(request, user, db, FormState(values, _errors(problem)), status=400)
    shown = account.name or account.username or account.email
    return redirect(BASE, flash=f"{shown} was added.")


def edit_page(
    request: Request,
    user: WebUser,
    db: Session,
    context: AppContext,
    user_id: int,
    *,
    form: FormState | None = None,
    password_form: FormState | None = None,
    status: int = 200,
) -> Response:
    account = services.accounts(db, context).get_user(user_id)
    row = account_row(account, [], utcnow())
    initial = {"name": row.name, "email": row.email, "root_role": str(account.root_role_id)}
    return render(
        request,
        "users/edit.html",
        user=user,
        status=status,
        account=row,
        form=form or FormState(values=initial),
        password_form=password_form or FormState(),
        roles=_roles(db),
        is_self=account.id == user.account_id,
    )


@router.get(BASE + "/{user_id}/edit")
def edit(
    request: Request, user_id: UserId, user: AdminPage, db: SessionDep, context: ContextDep
) -> Response:
    return edit_page(request, user, db, context, user_id)


@router.post(BASE + "/{user_id}/edit")
def update(
    request: Request,
    user_id: UserId,
    user: AdminPost,
    form: FormDep,
    db: SessionDep,
    context: ContextDep,
) -> Response:
    values = {k: text(form, k) for k in ("name", "email", "root_role")}
    try:
        body = validated(
            UpdateUserIn,
            {
                "name": values["name"],
                "email": values["email"] or None,
                "rootRole": int(values["root_role"]) if values["root_role"].isdigit() else "",
            },
            USER_FIELDS,
        )
        changes = UserChanges(
            email=str(body.email) if body.email else "",
            name=body.name,
            root_role=body.root_role,
        )
        services.accounts(db, context).update_user(user.actor, user.principal, user_id, changes)
    except (FormError, FlagstaffError) as problem:
        db.rollback()
        errors = _errors(problem)
        if isinstance(problem, NameExistsError):
            errors = {"email": TAKEN}
        state = FormState(values, errors)
        return edit_page(request, user, db, context, user_id, form=state, status=400)
    return redirect(f"{BASE}/{user_id}/edit", flash="User updated successfully.")


@router.post(BASE + "/{user_id}/password")
def reset_password(
    request: Request,
    user_id: UserId,
    user: AdminPost,
    form: FormDep,
    db: SessionDep,
    context: ContextDep,
) -> Response:
    password = text(form, "password", strip=False)
    try:
        if password != text(form, "confirm", strip=False):
            raise FormError({"confirm": "The two passwords differ."})
        services.accounts(db, context).set_password(user_id, password)
    except (FormError, FlagstaffError) as problem:
        db.rollback()
        state = FormState({}, _errors(problem))
        return edit_page(request, user, db, context, user_id, password_form=state, status=400)
    return redirect(
        f"{BASE}/{user_id}/edit",
        flash="Password reset. The user was signed out everywhere and logs in with the new one.",
    )


@router.get(BASE + "/{user_id}/delete")
def delete_page(
    request: Request, user_id: UserId, user: AdminPage, db: SessionDep, context: ContextDep
) -> Response:
    account = services.accounts(db, context).get_user(user_id)
    row = account_row(account, [], utcnow())
    return render(
        request,
        "users/delete.html",
        user=user,
        account=row,
        error=None,
        is_self=account.id == user.account_id,
    )


@router.post(BASE + "/{user_id}/delete")
def delete(
    request: Request, user_id: UserId, user: AdminPost, db: SessionDep, context: ContextDep
) -> Response:
    service = services.accounts(db, context)
    account = service.get_user(user_id)
    shown = account.name or account.username or account.email or "The user"
    try:
        if account.id == user.account_id:
            raise FormError({"": "You cannot delete yourself."})
        service.delete_user(user.actor, user_id)
    except (FormError, FlagstaffError) as problem:
        db.rollback()
        row = account_row(service.get_user(user_id), [], utcnow())
        return render(
            request,
            "users/delete.html",
            user=user,
            account=row,
            error=next(iter(_errors(problem).values())),
            is_self=row.id == user.account_id,
            status=400,
        )
    return redirect(BASE, flash=f"{shown} has been deleted.")
