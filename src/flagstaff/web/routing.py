"""The route class of every page: one transaction per request (as the API), the page headers on
every response, and errors shown as pages rather than JSON."""

from __future__ import annotations

import logging
from collections.abc import Callable, Coroutine
from typing import Any
from urllib.parse import quote

from fastapi import Request, Response
from fastapi.exceptions import RequestValidationError
from starlette.concurrency import run_in_threadpool
from starlette.responses import RedirectResponse

from flagstaff.core.errors import (
    AuthenticationRequiredError,
    FlagstaffError,
    NotFoundError,
    PermissionDeniedError,
    UnauthorizedError,
    WrongTokenTypeError,
)
from flagstaff.core.http_errors import status_for
from flagstaff.core.routing import TransactionalRoute
from flagstaff.web.errors import ForbiddenError, LoginRequiredError, PageNotFoundError
from flagstaff.web.rendering import render
from flagstaff.web.security import apply_page_headers

log = logging.getLogger(__name__)

LOGIN_ERRORS = (
    LoginRequiredError,
    AuthenticationRequiredError,
    UnauthorizedError,
    WrongTokenTypeError,
)


class WebRoute(TransactionalRoute):
    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def run(request: Request) -> Response:
            try:
                response = await handler(request)
            except LOGIN_ERRORS:
                response = login_redirect(request)
            except (ForbiddenError, PageNotFoundError, RequestValidationError) as error:
                response = await run_in_threadpool(error_page, request, error)
            except FlagstaffError as error:
                # Denied, not found, or what a form handler did not turn into a form message.
                response = await run_in_threadpool(error_page, request, error)
            return apply_page_headers(response)

        return run


def login_redirect(request: Request) -> Response:
    target = request.url.path
    if request.url.query:
        target += "?" + request.url.query
    wanted = f"/login?next={quote(target, safe='')}" if request.method == "GET" else "/login"
    return RedirectResponse(wanted, status_code=303)


def error_page(request: Request, error: Exception) -> Response:
    if isinstance(error, ForbiddenError | PermissionDeniedError):
        status, title = 403, "You don't have access"
        message = (
            error.message if isinstance(error, ForbiddenError) else "Your role does not allow it."
        )
    elif isinstance(error, PageNotFoundError | NotFoundError):
        status, title, message = 404, "Not found", error.message
    elif isinstance(error, FlagstaffError):
        status, title, message = status_for(error), "That didn't work", error.message
    else:
        status, title = 400, "That didn't work"
        message = "The address or the form had something we could not read."
    user = getattr(request.state, "web_user", None)
    return render(
        request,
        "error.html",
        user=user,
        status=status,
        title=title,
        message=message,
        status_code=status,
    )
