"""The one handler that turns errors into Unleash's error body ``{id, name, message, details}``."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.routing import iter_route_contexts
from sqlalchemy.exc import DataError, DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import JSONResponse, Response

from flagstaff.core import errors
from flagstaff.core.db import describe_unavailable, is_unavailable

log = logging.getLogger(__name__)

STATUS_BY_ERROR: dict[type[errors.FlagstaffError], int] = {
    errors.BadDataError: 400,
    errors.RoleInUseError: 400,
    errors.AuthenticationRequiredError: 401,
    errors.UnauthorizedError: 401,
    errors.PasswordMismatchError: 401,
    errors.PermissionDeniedError: 403,
    errors.OperationDeniedError: 403,
    errors.WrongTokenTypeError: 403,
    errors.NotFoundError: 404,
    errors.NameExistsError: 409,
    errors.ConflictError: 409,
    errors.PayloadTooLargeError: 413,
    errors.ContentTypeError: 415,
    errors.TooManyAttemptsError: 429,
    errors.MaintenanceModeError: 503,
}

HTTP_NAMES = {
    400: "BadDataError",
    401: "UnauthorizedError",
    403: "PermissionError",
    404: "NotFoundError",
    405: "MethodNotAllowedError",
    409: "NameExistsError",
    413: "PayloadTooLargeError",
    415: "ContentTypeError",
    429: "TooManyRequestsError",
}


def status_for(error: errors.FlagstaffError) -> int:
    for cls in type(error).__mro__:
        if cls in STATUS_BY_ERROR:
            return STATUS_BY_ERROR[cls]
    return 400


def error_body(
    name: str, message: str, details: Sequence[dict[str, str]] | None = None, **extra: Any
) -> dict[str, Any]:
    return {
        "id": str(uuid.uuid4()),
        "name": name,
        "message": message,
        "details": list(details) if details else [{"message": message}],
        **extra,
    }


def error_response(error: errors.FlagstaffError) -> JSONResponse:
    extra: dict[str, Any] = {}
    if isinstance(error, errors.PermissionDeniedError):
        extra["permissions"] = error.permissions
    if isinstance(error, errors.AuthenticationRequiredError):
        # What Unleash's own UI needs for its login screen: where and how to log in, and that
        # the password form is shown.
        extra.update(path=error.login_path, type=error.login_type, defaultHidden=False)
    body = error_body(error.name, error.message, error.details, **extra)
    return JSONResponse(body, status_code=status_for(error), headers=error_headers(error))


def error_headers(error: errors.FlagstaffError) -> dict[str, str] | None:
    if status_for(error) == 401:
        return {"WWW-Authenticate": "Bearer"}
    if isinstance(error, errors.TooManyAttemptsError):
        return {"Retry-After": str(error.retry_after)}
    return None


def _validation_details(exc: RequestValidationError) -> list[dict[str, str]]:
    details = []
    for problem in exc.errors():
        location = [str(part) for part in problem.get("loc", ())]
        path = "/" + "/".join(location)
        field = location[-1] if location else "body"
        message = problem.get("msg", "is invalid")
        if problem.get("type") == "missing":
            message = (
                f"The `{field}` property is required. It was not present on the data you sent."
            )
        elif problem.get("type") == "json_invalid":
            message = "The request body is not valid JSON."
        else:
            message = f"The `{path}` property is invalid: {message}."
        details.append({"message": message, "path": path})
    return details


async def handle_validation(_request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    body = error_body(
        "BadDataError",
        "Request validation failed: your request body or params contain invalid data. "
        "Refer to the `details` list for more information.",
        _validation_details(exc),
    )
    return JSONResponse(body, status_code=400)


async def handle_domain(_request: Request, exc: Exception) -> Response:
    assert isinstance(exc, errors.FlagstaffError)
    return error_response(exc)


async def handle_http(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    name = HTTP_NAMES.get(exc.status_code, "Error")
    headers = exc.headers
    if exc.status_code == 404:
        message = f"The path you were looking for ({request.url.path}) is not available."
    elif exc.status_code == 405:
        message = f"The path {request.url.path} does not take {request.method}."
        headers = {**(headers or {}), "Allow": ", ".join(allowed_methods(request))}
    else:
        message = str(exc.detail)
    return JSONResponse(error_body(name, message), status_code=exc.status_code, headers=headers)


def allowed_methods(request: Request) -> list[str]:
    """Every method some route takes on this path. Starlette's 405 names only those of the
    first route whose path matched, and FastAPI makes one route per method."""
    path = request.scope.get("route_path") or request.url.path
    methods: set[str] = set()
    for route in iter_route_contexts(request.app.routes):
        regex = getattr(route, "path_regex", None)
        if regex is not None and route.methods and regex.match(path):
            methods |= route.methods
    return sorted(methods)


async def handle_unstorable(request: Request, exc: Exception) -> Response:
    """A value the database refused as data (a NUL character in text, a number out of range)
    that validation let through: the transaction is rolled back, so it is the caller's 400."""
    log.warning(
        "database refused a value on %s %s: %s",
        request.method,
        request.url.path,
        type(getattr(exc, "orig", exc)).__name__,
    )
    message = (
        "The request contains a value that cannot be stored "
        "(a NUL character, or a number out of range)."
    )
    return JSONResponse(error_body("BadDataError", message), status_code=400)


# A lost connection is back at the next request (the pool checks each before reuse); a restarting
# database takes a few seconds.
RETRY_AFTER_SECONDS = 5
UNAVAILABLE_MESSAGE = "The database is not available at the moment. Try again in a few seconds."


def unavailable_body() -> dict[str, Any]:
    return error_body("ServiceUnavailableError", UNAVAILABLE_MESSAGE)


async def handle_database(request: Request, exc: Exception) -> Response:
    """A database that cannot be reached, or is busy past its timeouts, is a 503 with
    ``Retry-After``, logged once in one line: nothing the caller did, and no bug to trace. The
    transaction was rolled back, so nothing of the request was saved. Any other database error
    is a bug (500). Either way the error is answered here, not re-raised to the server, which
    would log it a second time and drop the connection."""
    if not is_unavailable(exc):
        return await handle_unexpected(request, exc)
    log.error(
        "database unavailable on %s %s: %s",
        request.method,
        request.url.path,
        describe_unavailable(exc),
    )
    return JSONResponse(
        unavailable_body(), status_code=503, headers={"Retry-After": str(RETRY_AFTER_SECONDS)}
    )


async def handle_unexpected(request: Request, exc: Exception) -> Response:
    log.exception("unhandled error on %s %s", request.method, request.url.path)
    return JSONResponse(
        error_body("InternalError", "Something went wrong on our side. It has been logged."),
        status_code=500,
    )


def install(app: FastAPI) -> None:
    app.add_exception_handler(RequestValidationError, handle_validation)
    app.add_exception_handler(errors.FlagstaffError, handle_domain)
    app.add_exception_handler(StarletteHTTPException, handle_http)
    app.add_exception_handler(DataError, handle_unstorable)
    app.add_exception_handler(DBAPIError, handle_database)
    app.add_exception_handler(PoolTimeoutError, handle_database)
    app.add_exception_handler(Exception, handle_unexpected)
