"""Roles (Admins): the list, and deleting a custom role, refused while anyone holds it."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path
from starlette.responses import Response

from flagstaff.core.db import utcnow
from flagstaff.core.errors import FlagstaffError
from flagstaff.rbac.models import Role
from flagstaff.roles.service import RoleService
from flagstaff.web.deps import AdminPage, AdminPost, Page, PageDep, WebUser
from flagstaff.web.rendering import redirect
from flagstaff.web.routing import WebRoute
from flagstaff.web.token_views import token_rows
from flagstaff.web.views import account_row

router = APIRouter(route_class=WebRoute, include_in_schema=False)

BASE = "/admin/users/roles"
RoleId = Annotated[int, Path(ge=1, le=2_147_483_647)]


@router.get(BASE)
def list_page(page: PageDep, user: AdminPage) -> Response:
    service = RoleService(page.db)
    roles = service.list_roles()
    in_use = {role.id: not service.holders(role).empty for role in roles}
    return page.render("roles/list.html", user, roles=roles, in_use=in_use)


def _delete_page(
    page: Page, user: WebUser, role: Role, error: str | None, status: int = 200
) -> Response:
    holders = RoleService(page.db).holders(role)
    service = page.account_tokens()
    tokens = service.tokens_by_account([a.id for a in holders.service_accounts])
    now = utcnow()
    return page.render(
        "roles/delete.html",
        user,
        status=status,
        role=role,
        holders=holders,
        users=[account_row(a, []) for a in holders.users],
        service_accounts=[
            # This page shows no client addresses: none are looked up.
            account_row(a, token_rows(service, a, tokens[a.id], now, addresses={}))
            for a in holders.service_accounts
        ],
        error=error,
    )


@router.get(BASE + "/{role_id}/delete")
def delete_page(page: PageDep, role_id: RoleId, user: AdminPage) -> Response:
    return _delete_page(page, user, RoleService(page.db).get(role_id), None)


@router.post(BASE + "/{role_id}/delete")
def delete(page: PageDep, role_id: RoleId, user: AdminPost) -> Response:
    service = RoleService(page.db)
    name = service.get(role_id).name
    try:
        service.delete(user.actor, role_id)
    except FlagstaffError as problem:
        page.db.rollback()
        role = service.get(role_id)
        return _delete_page(page, user, role, problem.message, status=400)
    return redirect(BASE, flash=f"The role {name} has been deleted.")
