"""What page handlers depend on: the logged-in person, the form, the CSRF check, permissions."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Path, Request
from sqlalchemy.orm import Session
from starlette.datastructures import FormData
from starlette.responses import Response

from flagstaff.accounts.models import Account
from flagstaff.accounts.service import AccountService
from flagstaff.credentials.account_tokens.service import AccountTokenService
from flagstaff.events.service import Actor
from flagstaff.http.context import AppContext
from flagstaff.http.deps import SESSION_COOKIE, ContextDep, SessionDep, client_ip, resolve_principal
from flagstaff.rbac.permissions import Permission
from flagstaff.rbac.policy import is_allowed, manages
from flagstaff.rbac.principal import CredentialKind, Principal
from flagstaff.service_accounts.service import ServiceAccountService
from flagstaff.web.errors import CsrfRejectedError, ForbiddenError, LoginRequiredError
from flagstaff.web.rendering import render
from flagstaff.web.security import CSRF_FIELD, session_csrf_token, tokens_match


@dataclass(frozen=True)
class WebUser:
    """Plain values only: error pages render it after the transaction was rolled back."""

    principal: Principal
    account_id: int
    display_name: str
    login_name: str
    csrf_token: str
    actor: Actor

    def can(
        self, permission: Permission, project: str | None = None, environment: str | None = None
    ) -> bool:
        return is_allowed(self.principal, permission, project, environment)

    def require(
        self, permission: Permission, project: str | None = None, environment: str | None = None
    ) -> None:
        if not self.can(permission, project, environment):
            raise ForbiddenError()

    @property
    def is_admin(self) -> bool:
        return self.can(Permission.ADMIN)


def page_user(
    request: Request,
    principal: Annotated[Principal, Depends(resolve_principal)],
    db: SessionDep,
    context: ContextDep,
) -> WebUser:
    """Only a person's login session opens pages: a token, even a valid one, never does."""
    cookie = request.cookies.get(SESSION_COOKIE)
    if (
        principal.kind is not CredentialKind.SESSION
        or principal.account_id is None
        or principal.is_service
        or not cookie
        or request.headers.get("authorization")
    ):
        raise LoginRequiredError()
    account = db.get(Account, principal.account_id)
    if account is None or account.is_service:
        raise LoginRequiredError()
    user = WebUser(
        principal=principal,
        account_id=account.id,
        display_name=account.name or account.username or account.email or "You",
        login_name=account.username or account.email or "",
        csrf_token=session_csrf_token(context, cookie),
        actor=Actor.of(principal, client_ip(request, context), request.headers.get("user-agent")),
    )
    request.state.web_user = user
    return user


PageUser = Annotated[WebUser, Depends(page_user)]


async def read_form(request: Request) -> FormData:
    return await request.form()


FormDep = Annotated[FormData, Depends(read_form)]


def csrf_checked_user(user: PageUser, form: FormDep) -> WebUser:
    if not tokens_match(user.csrf_token, form.get(CSRF_FIELD)):
        raise CsrfRejectedError()
    return user


PostUser = Annotated[WebUser, Depends(csrf_checked_user)]


def page_permission(permission: Permission) -> Callable[[WebUser], WebUser]:
    def check(user: PageUser) -> WebUser:
        user.require(permission)
        return user

    return check


def post_permission(permission: Permission) -> Callable[[WebUser], WebUser]:
    def check(user: PostUser) -> WebUser:
        user.require(permission)
        return user

    return check


AdminPage = Annotated[WebUser, Depends(page_permission(Permission.ADMIN))]
AdminPost = Annotated[WebUser, Depends(post_permission(Permission.ADMIN))]

# The service account a page is about, as its path names it (``/…/{account_id}/…``).
ServiceAccountId = Annotated[int, Path(ge=1, le=2_147_483_647)]


def _managing_reader(account_id: ServiceAccountId, user: PageUser) -> WebUser:
    if not manages(user.principal, account_id, write=False):
        raise ForbiddenError()
    return user


def _managing_writer(account_id: ServiceAccountId, user: PostUser) -> WebUser:
    if not manages(user.principal, account_id):
        raise ForbiddenError()
    return user


# An Admin, or a person an admin made this service account's manager: the pages of its tokens.
# Its role, its managers and the account itself stay behind AdminPage and AdminPost.
ManagerPage = Annotated[WebUser, Depends(_managing_reader)]
ManagerPost = Annotated[WebUser, Depends(_managing_writer)]


@dataclass(frozen=True)
class Page:
    """What a page handler works with besides the person: the request, its database session
    and the process's context (as Warehouse's ``request.db`` and ``find_service``)."""

    request: Request
    db: Session
    context: AppContext

    def render(self, template: str, user: WebUser, *, status: int = 200, **values: Any) -> Response:
        return render(self.request, template, user=user, status=status, **values)

    def accounts(self) -> AccountService:
        return AccountService(self.db, self.context.passwords)

    def account_tokens(self) -> AccountTokenService:
        return AccountTokenService(self.db, self.context.keys, self.context.settings)

    def service_accounts(self) -> ServiceAccountService:
        return ServiceAccountService(self.db, self.context.passwords, self.account_tokens())


def current_page(request: Request, db: SessionDep, context: ContextDep) -> Page:
    return Page(request, db, context)


PageDep = Annotated[Page, Depends(current_page)]


def text(form: FormData, name: str, *, strip: bool = True) -> str:
    value = form.get(name)
    if not isinstance(value, str):
        return ""
    return value.strip() if strip else value
