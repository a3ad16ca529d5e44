"""Every dependency, declared once as an ``Annotated`` alias."""

from __future__ import annotations

import time
from collections.abc import Callable, Coroutine
from typing import Annotated, Any

from fastapi import Depends, Request
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from flagstaff.core.errors import (
    AuthenticationRequiredError,
    OperationDeniedError,
    PermissionDeniedError,
    UnauthorizedError,
    WrongTokenTypeError,
)
from flagstaff.credentials.account_tokens.expiry import expiry_headers
from flagstaff.credentials.refusal import Refusal
from flagstaff.credentials.resolver import Resolved, resolve_session, resolve_token
from flagstaff.events.service import Actor
from flagstaff.http.context import AppContext
from flagstaff.http.origin import refuse_foreign_origin
from flagstaff.maintenance.guard import refuse_writes_in_maintenance
from flagstaff.rbac.permissions import Permission
from flagstaff.rbac.policy import is_allowed
from flagstaff.rbac.principal import Principal

SESSION_COOKIE = "flagstaff-session"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


async def get_context(request: Request) -> AppContext:
    context: AppContext = request.app.state.context
    return context


ContextDep = Annotated[AppContext, Depends(get_context)]


async def get_session(request: Request, context: ContextDep) -> Session:
    """The request's one session. ``TransactionalRoute`` commits or rolls it back."""
    existing: Session | None = getattr(request.state, "db", None)
    if existing is not None:
        return existing
    session = context.database.session(write=request.method not in SAFE_METHODS)
    request.state.db = session
    return session


SessionDep = Annotated[Session, Depends(get_session)]


def login_path(request: Request) -> str:
    """Where to log in with a password, under the prefix the request came through (the
    Unleash UI's, docs/unleash-ui.md)."""
    root: str = request.scope.get("root_path", "")
    return f"{root}/auth/simple/login"


def bearer(header: str) -> str:
    scheme, _, rest = header.strip().partition(" ")
    if rest and scheme.lower() == "bearer":
        return rest.strip()
    return header.strip()


async def resolve_principal(request: Request, context: ContextDep) -> Principal:
    """Async on purpose: a cached credential (nearly every request) resolves on the event loop
    without a thread hop; only a cache miss goes to a worker thread for its one query."""
    cached: Principal | None = getattr(request.state, "principal", None)
    if cached is not None:
        return cached
    header = request.headers.get("authorization")
    cookie = request.cookies.get(SESSION_COOKIE)
    if header:
        found = await resolve_token(context.resolver, bearer(header))
        principal = await _accepted(request, context, found, "You must log in to use Flagstaff.")
    elif cookie:
        found = await resolve_session(context.resolver, cookie)
        if found is None:
            # As Unleash: a session that is gone is no credential at all, so the answer shows
            # the login screen in Unleash's UI.
            raise AuthenticationRequiredError(
                "Your session has expired. Log in again.", login_path=login_path(request)
            )
        principal = await _accepted(
            request, context, found, "Your session has expired. Log in again."
        )
        refuse_foreign_origin(request, context.settings.trust_proxy_headers)
    else:
        path = login_path(request)
        raise AuthenticationRequiredError(
            "You must log in to use Flagstaff: this request carried neither an Authorization "
            f"header nor a session. People log in at {path}",
            login_path=path,
        )
    if principal.scope is not None:
        _ensure_in_scope(request, principal)
    if request.method not in SAFE_METHODS:
        await refuse_writes_in_maintenance(request, principal)
    request.state.principal = principal
    if principal.issued_at is not None:  # an account token
        request.state.response_headers = expiry_headers(principal, time.time())
        address = client_ip(request, context)
        if address is not None and principal.seen_key is not None:
            context.seen.mark_address(principal.seen_key, address)
    return principal


def _ensure_in_scope(request: Request, principal: Principal) -> None:
    """A scoped token's request, whatever the route: a write from a read-only token, or a path
    naming a project or environment beyond the token's, is refused before any route runs."""
    project = request.path_params.get("projectId")
    environment = request.path_params.get("environment")
    write = request.method not in SAFE_METHODS
    if not is_allowed(principal, Permission.NONE, project, environment, write=write):
        raise OperationDeniedError(_out_of_scope(principal, write, project, environment))


def _out_of_scope(
    principal: Principal, write: bool, project: str | None, environment: str | None
) -> str:
    scope = principal.scope
    assert scope is not None
    if scope.read_only and write:
        return "This token is read-only: it may not change anything."
    if project is not None and scope.projects is not None and project not in scope.projects:
        return f"This token is not scoped to the project {project!r}."
    return f"This token is not scoped to the environment {environment!r}."


async def _accepted(
    request: Request, context: AppContext, found: Resolved, unknown: str
) -> Principal:
    if isinstance(found, Principal):
        return found
    if isinstance(found, Refusal):
        if found.on_presented is not None:
            await run_in_threadpool(found.on_presented, client_ip(request, context))
        raise UnauthorizedError(found.message)
    raise UnauthorizedError(unknown)


async def admin_api_principal(
    principal: Annotated[Principal, Depends(resolve_principal)],
) -> Principal:
    """The Admin API takes accounts and admin API tokens; SDK tokens are the wrong kind."""
    if principal.api_scope is not None and principal.api_scope.type != "admin":
        raise WrongTokenTypeError()
    return principal


PrincipalDep = Annotated[Principal, Depends(admin_api_principal)]


def client_ip(request: Request, context: AppContext) -> str | None:
    if context.settings.trust_proxy_headers:
        forwarded = request.headers.get("x-forwarded-for")
        if forwarded:
            return forwarded.split(",")[0].strip()
    return request.client.host if request.client else None


async def get_actor(request: Request, principal: PrincipalDep, context: ContextDep) -> Actor:
    return Actor.of(principal, client_ip(request, context), request.headers.get("user-agent"))


ActorDep = Annotated[Actor, Depends(get_actor)]


def require(
    permission: Permission, *, project_param: str | None = None, env_param: str | None = None
) -> Callable[[Request, Principal], Coroutine[Any, Any, Principal]]:
    """A dependency that lets the request through only if ``is_allowed`` says so."""

    async def check(request: Request, principal: PrincipalDep) -> Principal:
        project = request.path_params.get(project_param) if project_param else None
        environment = request.path_params.get(env_param) if env_param else None
        write = request.method not in SAFE_METHODS
        if not is_allowed(principal, permission, project, environment, write=write):
            raise PermissionDeniedError([permission.value])
        return principal

    return check


AdminDep = Annotated[Principal, Depends(require(Permission.ADMIN))]
AnyAccountDep = Annotated[Principal, Depends(require(Permission.NONE))]
