"""Roles (Admins): the list, and deleting a custom role, refused while anyone holds it."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request
from sqlalchemy.orm import Session
from starlette.responses import Response

from flagstaff.context import AppContext
from flagstaff.db import utcnow
from flagstaff.deps import ContextDep, SessionDep
from flagstaff.errors import FlagstaffError
from flagstaff.rbac.models import Role
from flagstaff.rbac.service import RoleService
from flagstaff.web.deps import AdminPage, AdminPost, WebUser
from flagstaff.web.rendering import redirect, render
from flagstaff.web.routing import WebRoute
from flagstaff.web.services import account_tokens
from flagstaff.web.views import account_row

router = APIRouter(route_class=WebRoute, include_in_schema=False)

BASE = "/admin/users/roles"
RoleId = Annotated[int, Path(ge=1, le=2_147_483_647)]


@router.get(BASE)
def list_page(request: Request, user: AdminPage, db: SessionDep) -> Response:
    service = RoleService(db)
    roles = service.list_roles()
    in_use = {role.id: not service.holders(role).empty for role in roles}
    return render(request, "roles/list.html", user=user, roles=roles, in_use=in_use)


def _delete_page(
    request: Request,
    user: WebUser,
    db: Session,
    context: AppContext,
    role: Role,
    error: str | None,
    status: int = 200,
) -> Response:
    holders = RoleService(db).holders(role)
    tokens = account_tokens(db, context).tokens_by_account([a.id for a in holders.service_accounts])
    now = utcnow()
    return render(
        request,
        "roles/delete.html",
        user=user,
        status=status,
        role=role,
        holders=holders,
        users=[account_row(a, [], now) for a in holders.users],
        service_accounts=[account_row(a, tokens[a.id], now) for a in holders.service_accounts],
        error=error,
    )


@router.get(BASE + "/{role_id}/delete")
def delete_page(
    request: Request, role_id: RoleId, user: AdminPage, db: SessionDep, context: ContextDep
) -> Response:
    return _delete_page(request, user, db, context, RoleService(db).get(role_id), None)


@router.post(BASE + "/{role_id}/delete")
def delete(
    request: Request, role_id: RoleId, user: AdminPost, db: SessionDep, context: ContextDep
) -> Response:
    service = RoleService(db)
    name = service.get(role_id).name
    try:
        service.delete(user.actor, role_id)
    except FlagstaffError as problem:
        db.rollback()
        role = service.get(role_id)
        return _delete_page(request, user, db, context, role, problem.message, status=400)
    return redirect(BASE, flash=f"The role {name} has been deleted.")
