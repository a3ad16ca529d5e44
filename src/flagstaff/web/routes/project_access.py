"""A project's access: who holds which project role (users and service accounts); granting a
role, changing it, removing someone's roles. The rules (who may grant what, a project keeps an
owner) are the access service's, as behind ``/api/admin/projects/{id}/access``."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import APIRouter
from starlette.datastructures import FormData
from starlette.responses import Response

from flagstaff.accounts.models import Account
from flagstaff.core.errors import FlagstaffError, NotFoundError
from flagstaff.flags.projects.access import Member, ProjectAccessService
from flagstaff.flags.projects.service import ProjectService
from flagstaff.rbac.models import Role
from flagstaff.rbac.permissions import Permission
from flagstaff.rbac.predefined import MEMBER_ROLE_ID
from flagstaff.web.account_pages import AccountId
from flagstaff.web.deps import FormDep, Page, PageDep, PageUser, PostUser, WebUser, text
from flagstaff.web.flag_paths import ProjectId, project_url
from flagstaff.web.forms import FormError, FormState, form_errors
from flagstaff.web.rendering import redirect
from flagstaff.web.routing import WebRoute

router = APIRouter(route_class=WebRoute, include_in_schema=False)


@dataclass(frozen=True)
class AccessRow:
    """One account holding roles in the project, as the access table shows it."""

    id: int
    name: str
    login: str
    is_service: bool
    roles: list[Role]


def access_url(project_id: str) -> str:
    return f"{project_url(project_id)}/access"


def _shown_name(account: Account) -> str:
    return account.name or account.username or account.email or f"Account {account.id}"


def _rows(members: list[Member], roles: list[Role]) -> list[AccessRow]:
    by_id = {role.id: role for role in roles}
    return [
        AccessRow(
            id=m.account.id,
            name=_shown_name(m.account),
            login=m.account.username or m.account.email or "",
            is_service=m.account.is_service,
            roles=[by_id[r] for r in m.role_ids if r in by_id],
        )
        for m in members
    ]


def _access_page(
    page: Page,
    user: WebUser,
    project_id: str,
    *,
    grant_form: FormState | None = None,
    error: str | None = None,
    status: int = 200,
) -> Response:
    project = ProjectService(page.db).get(project_id)
    service = ProjectAccessService(page.db)
    roles = service.project_roles()
    rows = _rows(service.members(project_id), roles)
    members = {row.id for row in rows}
    candidates = [a for a in page.accounts().list_accounts() if a.id not in members]
    return page.render(
        "projects/access.html",
        user,
        status=status,
        project=project,
        rows=rows,
        roles=roles,
        users=[(a.id, _shown_name(a)) for a in candidates if not a.is_service],
        service_accounts=[(a.id, _shown_name(a)) for a in candidates if a.is_service],
        can_write=user.can(Permission.PROJECT_USER_ACCESS_WRITE, project_id),
        form=grant_form or FormState(values={"role": str(MEMBER_ROLE_ID)}),
        error=error,
    )


def _chosen_id(form: FormData, name: str, missing: str) -> int:
    """The id a select of the form sent; a ``FormError`` under ``name`` if there is none."""
    raw = text(form, name)
    if not raw.isdigit():
        raise FormError({name: missing})
    return int(raw)


@router.get("/projects/{project_id}/access")
def access(page: PageDep, project_id: ProjectId, user: PageUser) -> Response:
    user.require(Permission.PROJECT_USER_ACCESS_READ, project_id)
    return _access_page(page, user, project_id)


@router.post("/projects/{project_id}/access")
def grant(page: PageDep, project_id: ProjectId, user: PostUser, form: FormDep) -> Response:
    user.require(Permission.PROJECT_USER_ACCESS_WRITE, project_id)
    ProjectService(page.db).get(project_id)  # a missing project is a 404, not a form error
    values = {"account": text(form, "account"), "role": text(form, "role")}
    try:
        account_id = _chosen_id(form, "account", "Choose a user or service account.")
        role_id = _chosen_id(form, "role", "Choose a role.")
        ProjectAccessService(page.db).add_access(
            user.actor, user.principal, project_id, [role_id], [account_id], []
        )
    except (FormError, FlagstaffError) as problem:
        page.db.rollback()  # no role given to anyone: nothing half-made
        state = FormState(values, form_errors(problem))
        return _access_page(page, user, project_id, grant_form=state, status=400)
    return redirect(access_url(project_id), flash="Access granted.")


@router.post("/projects/{project_id}/access/{account_id}")
def change_role(
    page: PageDep, project_id: ProjectId, account_id: AccountId, user: PostUser, form: FormDep
) -> Response:
    user.require(Permission.PROJECT_USER_ACCESS_WRITE, project_id)
    ProjectService(page.db).get(project_id)
    try:
        role_id = _chosen_id(form, "role", "Choose a role.")
        ProjectAccessService(page.db).set_account_roles(
            user.actor, user.principal, project_id, account_id, [role_id]
        )
    except (FormError, FlagstaffError) as problem:
        page.db.rollback()
        error = " ".join(form_errors(problem).values())
        return _access_page(page, user, project_id, error=error, status=400)
    return redirect(access_url(project_id), flash="Role changed.")


def _member(page: Page, project_id: str, account_id: int) -> AccessRow:
    service = ProjectAccessService(page.db)
    for row in _rows(service.members(project_id), service.project_roles()):
        if row.id == account_id:
            return row
    raise NotFoundError(f"Account {account_id} holds no role in project {project_id}")


def _remove_page(
    page: Page, user: WebUser, project_id: str, account_id: int, error: str | None = None
) -> Response:
    return page.render(
        "projects/access_remove.html",
        user,
        status=400 if error else 200,
        project=ProjectService(page.db).get(project_id),
        member=_member(page, project_id, account_id),
        error=error,
        back=access_url(project_id),
    )


@router.get("/projects/{project_id}/access/{account_id}/remove")
def remove_page(
    page: PageDep, project_id: ProjectId, account_id: AccountId, user: PageUser
) -> Response:
    user.require(Permission.PROJECT_USER_ACCESS_WRITE, project_id)
    return _remove_page(page, user, project_id, account_id)


@router.post("/projects/{project_id}/access/{account_id}/remove")
def remove(page: PageDep, project_id: ProjectId, account_id: AccountId, user: PostUser) -> Response:
    user.require(Permission.PROJECT_USER_ACCESS_WRITE, project_id)
    member = _member(page, project_id, account_id)
    try:
        ProjectAccessService(page.db).remove_account(user.actor, project_id, account_id)
    except FlagstaffError as problem:
        page.db.rollback()
        return _remove_page(page, user, project_id, account_id, problem.message)
    return redirect(access_url(project_id), flash=f"{member.name} no longer has access.")
