"""Logging in and out. The login page is the one page without a session."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from starlette.responses import Response

from flagstaff.accounts.login_routes import is_https, login_service
from flagstaff.core.errors import PasswordMismatchError, TooManyAttemptsError
from flagstaff.http.deps import SESSION_COOKIE, ContextDep, SessionDep, client_ip
from flagstaff.web.deps import FormDep, PageUser, PostUser, text
from flagstaff.web.errors import CsrfRejectedError
from flagstaff.web.rendering import redirect, render
from flagstaff.web.routing import WebRoute
from flagstaff.web.security import (
    CSRF_FIELD,
    LOGIN_CSRF_COOKIE,
    login_csrf_token,
    new_login_nonce,
    tokens_match,
)

public_router = APIRouter(route_class=WebRoute, include_in_schema=False)
router = APIRouter(route_class=WebRoute, include_in_schema=False)

HOME = "/flags"
NextParam = Annotated[str, Query(max_length=2000)]


def safe_next(target: str) -> str:
    """Only a path on this server: never another site (``//evil``, ``/\\evil``, ``https:``)."""
    if (
        not target.startswith("/")
        or target.startswith(("//", "/\\"))
        or any(ch in target for ch in "\r\n\\")
        or target.startswith("/login")
    ):
        return HOME
    return target


def _login_page(
    request: Request,
    context: ContextDep,
    *,
    next_url: str,
    username: str = "",
    error: str | None = None,
    locked: bool = False,
    status: int = 200,
) -> Response:
    nonce = request.cookies.get(LOGIN_CSRF_COOKIE) or new_login_nonce()
    response = render(
        request,
        "login.html",
        status=status,
        login_csrf=login_csrf_token(context, nonce),
        next=next_url,
        username=username,
        error=error,
        locked=locked,
    )
    response.set_cookie(
        LOGIN_CSRF_COOKIE,
        nonce,
        max_age=3600,
        httponly=True,
        samesite="strict",
        secure=is_https(request, context.settings.trust_proxy_headers),
        path="/login",
    )
    return response


@public_router.get("/login")
def login_page(request: Request, context: ContextDep, next: NextParam = HOME) -> Response:
    cookie = request.cookies.get(SESSION_COOKIE)
    if cookie and context.resolver.from_session_cookie(cookie) is not None:
        return redirect(safe_next(next))
    return _login_page(request, context, next_url=safe_next(next))


@public_router.post("/login")
def login(request: Request, form: FormDep, db: SessionDep, context: ContextDep) -> Response:
    nonce = request.cookies.get(LOGIN_CSRF_COOKIE)
    if not nonce or not tokens_match(login_csrf_token(context, nonce), form.get(CSRF_FIELD)):
        raise CsrfRejectedError()
    next_url = safe_next(text(form, "next") or HOME)
    username = text(form, "username")
    service = login_service(db, context)
    try:
        account = service.login(
            username, text(form, "password", strip=False), client_ip(request, context)
        )
    except PasswordMismatchError as wrong:
        db.commit()  # the failed attempt counts although the request fails
        return _login_page(
            request,
            context,
            next_url=next_url,
            username=username,
            error=wrong.message,
            status=401,
        )
    except TooManyAttemptsError as throttled:
        page = _login_page(
            request,
            context,
            next_url=next_url,
            username=username,
            error=throttled.message,
            locked=True,
            status=429,
        )
        page.headers["Retry-After"] = str(throttled.retry_after)
        return page
    new = service.start_session(account, context.resolver.session_digest)
    response = redirect(next_url)
    response.set_cookie(
        SESSION_COOKIE,
        new.cookie,
        max_age=int(context.login_policy.session_ttl.total_seconds()),
        httponly=True,
        samesite="lax",
        secure=is_https(request, context.settings.trust_proxy_headers),
        path="/",
    )
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/login")
    return response


@router.post("/sign-out")
def sign_out(request: Request, user: PostUser, db: SessionDep, context: ContextDep) -> Response:
    cookie = request.cookies.get(SESSION_COOKIE, "")
    login_service(db, context).end_session(context.resolver.session_digest(cookie))
    response = redirect("/login", flash="You have signed out.")
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/")
def home(_: PageUser) -> Response:
    return redirect(HOME)
