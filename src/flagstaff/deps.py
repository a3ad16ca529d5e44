"""Every dependency, declared once as an ``Annotated`` alias."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from flagstaff.auth.principal import Principal
from flagstaff.context import AppContext
from flagstaff.errors import (
    AuthenticationRequiredError,
    PermissionDeniedError,
    UnauthorizedError,
    WrongTokenTypeError,
)
from flagstaff.events.service import Actor
from flagstaff.rbac.permissions import Permission
from flagstaff.rbac.policy import is_allowed

SESSION_COOKIE = "flagstaff-session"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def get_context(request: Request) -> AppContext:
    context: AppContext = request.app.state.context
    return context


ContextDep = Annotated[AppContext, Depends(get_context)]


def get_session(request: Request, context: ContextDep) -> Session:
    """The request's one session. ``TransactionalRoute`` commits or rolls it back."""
    existing: Session | None = getattr(request.state, "db", None)
    if existing is not None:
        return existing
    session = context.database.session(write=request.method not in SAFE_METHODS)
    request.state.db = session
    return session


SessionDep = Annotated[Session, Depends(get_session)]


def bearer(header: str) -> str:
    scheme, _, rest = header.strip().partition(" ")
    if rest and scheme.lower() == "bearer":
        return rest.strip()
    return header.strip()


def resolve_principal(request: Request, context: ContextDep) -> Principal:
    cached: Principal | None = getattr(request.state, "principal", None)
    if cached is not None:
        return cached
    header = request.headers.get("authorization")
    cookie = request.cookies.get(SESSION_COOKIE)
    if header:
        principal = context.resolver.from_token(bearer(header))
        if principal is None:
            raise UnauthorizedError("You must log in to use Unleash.")
    elif cookie:
        principal = context.resolver.from_session_cookie(cookie)
        if principal is None:
            raise UnauthorizedError("Your session has expired. Log in again.")
    else:
        raise AuthenticationRequiredError(
            "You must log in to use Unleash. Your request had no authorization header, so we "
            "could not authorize you. Try logging in at /auth/simple/login"
        )
    request.state.principal = principal
    return principal


def admin_api_principal(principal: Annotated[Principal, Depends(resolve_principal)]) -> Principal:
    """The Admin API takes accounts and admin API tokens; SDK tokens are the wrong kind."""
    if principal.api_scope is not None and principal.api_scope.type != "admin":
        raise WrongTokenTypeError()
    return principal


PrincipalDep = Annotated[Principal, Depends(admin_api_principal)]


def client_ip(request: Request, context: ContextDep) -> str | None:
    if context.settings.trust_proxy_headers:
        forwarded = request.headers.get("x-forwarded-for")
        if forwarded:
            return forwarded.split(",")[0].strip()
    return request.client.host if request.client else None


def get_actor(request: Request, principal: PrincipalDep, context: ContextDep) -> Actor:
    return Actor.of(principal, client_ip(request, context))


ActorDep = Annotated[Actor, Depends(get_actor)]


def require(
    permission: Permission, *, project_param: str | None = None, env_param: str | None = None
) -> Callable[[Request, Principal], Principal]:
    """A dependency that lets the request through only if ``is_allowed`` says so."""

    def check(request: Request, principal: PrincipalDep) -> Principal:
        project = request.path_params.get(project_param) if project_param else None
        environment = request.path_params.get(env_param) if env_param else None
        if not is_allowed(principal, permission, project, environment):
            raise PermissionDeniedError([permission.value])
        return principal

    return check


AdminDep = Annotated[Principal, Depends(require(Permission.ADMIN))]
AnyAccountDep = Annotated[Principal, Depends(require(Permission.NONE))]
