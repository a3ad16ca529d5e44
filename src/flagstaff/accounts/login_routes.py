"""Password login and logout: on the public router, since they come before a session exists."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import RedirectResponse
from sqlalchemy.orm import Session

from flagstaff.accounts.login import LoginService, count_sessions
from flagstaff.accounts.schemas import LoginIn, UserSchema, user_out
from flagstaff.core.errors import PasswordMismatchError
from flagstaff.core.routing import TransactionalRoute
from flagstaff.core.schemas import answers
from flagstaff.http.context import AppContext
from flagstaff.http.deps import SESSION_COOKIE, ContextDep, SessionDep, client_ip

router = APIRouter(route_class=TransactionalRoute, tags=["Auth"])


def is_https(request: Request, trust_proxy: bool) -> bool:
    if request.url.scheme == "https":
        return True
    return trust_proxy and request.headers.get("x-forwarded-proto", "").lower() == "https"


def login_service(db: Session, context: AppContext) -> LoginService:
    return LoginService(db, context.passwords, context.login_policy, context.keys)


@router.post("/auth/simple/login", operation_id="login", responses=answers(UserSchema))
def login(
    body: LoginIn, request: Request, response: Response, db: SessionDep, context: ContextDep
) -> dict[str, Any]:
    service = login_service(db, context)
    try:
        account = service.login(body.username, body.password, client_ip(request, context))
    except PasswordMismatchError:
        db.commit()  # keep the failed-attempt count although the request fails
        raise
    new = service.start_session(account, context.resolver.session_digest)
    response.set_cookie(
        SESSION_COOKIE,
        new.cookie,
        max_age=int(context.login_policy.session_ttl.total_seconds()),
        httponly=True,
        samesite="lax",
        secure=is_https(request, context.settings.trust_proxy_headers),
        path="/",
    )
    return user_out(
        account,
        active_sessions=count_sessions(db, account.id),
        login_attempts=service.throttle.failures_of([account])[account.id],
    )


@router.post(
    "/logout",
    operation_id="logout",
    response_model=None,
    response_class=Response,  # no body: the session cookie is cleared
    responses={303: {"description": "From a browser (Accept: text/html): on to the login page."}},
)
def logout(request: Request, db: SessionDep, context: ContextDep) -> Response:
    cookie = request.cookies.get(SESSION_COOKIE)
    if cookie:
        login_service(db, context).end_session(context.resolver.session_digest(cookie))
    wants_html = "text/html" in request.headers.get("accept", "")
    response: Response = (
        RedirectResponse("/login", status_code=303) if wants_html else Response(status_code=200)
    )
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response
