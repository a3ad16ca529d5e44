"""One transaction per request, and the guards every API request passes."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Request, Response
from fastapi.routing import APIRoute
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from flagstaff.core import revision
from flagstaff.core.errors import (
    BadDataError,
    ContentTypeError,
    FlagstaffError,
    PayloadTooLargeError,
)
from flagstaff.core.http_errors import error_response


class TransactionalRoute(APIRoute):
    """Commits the request's session after the endpoint returns, before the response is sent;
    rolls it back on any error. A change the client was told about is always committed."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def run(request: Request) -> Response:
            try:
                response = await handler(request)
            except BaseException:
                await _end(request, commit=False)
                raise
            await _end(request, commit=True)
            return response

        return run


async def _end(request: Request, *, commit: bool) -> None:
    session: Session | None = getattr(request.state, "db", None)
    if session is None:
        return
    if not session.in_transaction():
        # Never touched the database (a read served from memory): nothing to commit, and
        # closing an unused session does no I/O, so it needs no worker thread.
        request.state.db = None
        session.close()
        return
    await run_in_threadpool(_finish, request, commit=commit)


def _finish(request: Request, *, commit: bool) -> None:
    session: Session | None = getattr(request.state, "db", None)
    if session is None:
        return
    request.state.db = None
    try:
        bumped = session.info.pop(revision.SESSION_BUMPED, False)
        if commit:
            session.commit()
        else:
            session.rollback()
    finally:
        session.close()
    if commit and bumped:
        # Our own caches learn of the change now; other processes at their next poll.
        request.app.state.context.watcher.check_now()


JSON_TYPES = ("application/json",)
FORM_TYPES = (*JSON_TYPES, "application/x-www-form-urlencoded")
BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})


class ApiGuard:
    """Refuses oversized bodies (413) and non-JSON bodies on the JSON APIs (415), in Unleash's
    error shape, before any route runs."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        max_body_bytes: int,
        json_prefixes: tuple[str, ...],
        form_paths: tuple[str, ...] = (),
    ):
        self.app = app
        self.max_body_bytes = max_body_bytes
        self.json_prefixes = json_prefixes
        # Paths under those prefixes that take a form-encoded body as well as JSON.
        self.form_paths = frozenset(form_paths)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if _has_nul(scope):
            await error_response(NUL_REFUSED)(scope, receive, send)
            return
        if scope["method"] not in BODY_METHODS:
            await self.app(scope, receive, send)
            return
        headers = {k.decode().lower(): v.decode() for k, v in scope["headers"]}
        error = self._precheck(scope["path"], headers)
        if error is not None:
            await error_response(error)(scope, receive, send)
            return
        await self.app(scope, self._limited(receive), send)

    def _precheck(self, path: str, headers: dict[str, str]) -> FlagstaffError | None:
        length = headers.get("content-length")
        if length is not None and length.isdigit() and int(length) > self.max_body_bytes:
            return _too_large(self.max_body_bytes)
        if not path.startswith(self.json_prefixes):
            return None
        has_body = headers.get("content-length", "0") != "0" or "transfer-encoding" in headers
        content_type = headers.get("content-type", "").split(";")[0].strip().lower()
        accepted = FORM_TYPES if path in self.form_paths else JSON_TYPES
        if has_body and content_type not in accepted:
            shown = content_type or "none"
            return ContentTypeError(
                f"We do not accept the content-type you provided ({shown}). Try using one of the "
                "content-types we do accept instead (application/json) and make sure the body is "
                "in the corresponding format."
            )
        return None

    def _limited(self, receive: Receive) -> Receive:
        seen = 0
        limit = self.max_body_bytes

        async def limited() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    # An HTTPException passes FastAPI's body parsing untouched (others become
                    # a generic 400); the error handler renders it in Unleash's shape.
                    raise HTTPException(413, _too_large(limit).message)
            return message

        return limited


class StateHeaders:
    """Sends the headers a dependency set on ``request.state.response_headers`` with whatever
    answer the request gets, an error's included (a token's expiry, say, belongs on a 403 too)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                extra: dict[str, str] | None = scope.get("state", {}).get("response_headers")
                if extra:
                    message["headers"] = [
                        *message.get("headers", []),
                        *((k.encode("latin-1"), v.encode("latin-1")) for k, v in extra.items()),
                    ]
            await send(message)

        await self.app(scope, receive, send_with_headers)


# PostgreSQL cannot store NUL in text, and no name or id needs one: refused on both engines
# alike, before a route could pass one to a query.
NUL_REFUSED = BadDataError("The request's path or query contains a NUL character (%00).")


def _has_nul(scope: Scope) -> bool:
    raw_path: bytes = scope.get("raw_path") or scope["path"].encode()
    query: bytes = scope.get("query_string", b"")
    return b"%00" in raw_path or b"\x00" in raw_path or b"%00" in query or b"\x00" in query


def _too_large(limit: int) -> PayloadTooLargeError:
    return PayloadTooLargeError(f"The request body is larger than the limit of {limit} bytes.")
