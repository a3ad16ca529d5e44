"""CORS for the Frontend API (``/api/frontend``, ``/api/frontend/*``), with Starlette's
``CORSMiddleware`` doing the protocol. The allowed origins change at runtime (an admin sets
them through /api/admin/ui-config/cors), so this adapter keeps one ``CORSMiddleware`` per list
of origins, read from the instance-settings snapshot of the current revision: no query per
request. Other paths (the Admin API above all) never get CORS headers.

As Unleash: ``*`` or an empty list lets every origin in; requested headers are mirrored (SDKs
send ``Authorization`` or a header name of the user's choosing, ``Unleash-*`` headers and any
custom ones); ``ETag`` is exposed; preflights are remembered for a day. An origin not on the
list gets no CORS headers at all, so the browser keeps the response from the page."""

from __future__ import annotations

from starlette.datastructures import Headers, MutableHeaders
from starlette.middleware.cors import CORSMiddleware
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from flagstaff.config import allows_any
from flagstaff.core.errors import BadDataError
from flagstaff.core.http_errors import error_response
from flagstaff.http.context import AppContext
from flagstaff.instance.state import instance_settings

PATH = "/api/frontend"
PREFIX = PATH + "/"
METHODS = ("GET", "HEAD", "POST", "OPTIONS")
MAX_AGE = 86_400  # Unleash's default accessControlMaxAge


def is_frontend_path(path: str) -> bool:
    return path == PATH or path.startswith(PREFIX)


def _vary_on_origin(send: Send) -> Send:
    async def sending(message: Message) -> None:
        if message["type"] == "http.response.start":
            MutableHeaders(scope=message).add_vary_header("Origin")
        await send(message)

    return sending


def _allowed(origin: str, origins: tuple[str, ...]) -> bool:
    return allows_any(origins) or origin in origins


class UnleashErrorCors(CORSMiddleware):
    """Starlette's middleware, with a refused preflight (origin, method or private network)
    answered in Unleash's error body and without any CORS header."""

    def preflight_response(self, request_headers: Headers) -> Response:
        response = super().preflight_response(request_headers)
        if response.status_code != 400:
            return response
        reason = bytes(response.body).decode()
        origin = request_headers["origin"]
        return error_response(BadDataError(f"{reason}: {origin} may not make this request."))


class FrontendCors:
    def __init__(self, app: ASGIApp, context: AppContext) -> None:
        self.app = app
        self.context = context
        self._built: tuple[tuple[str, ...], CORSMiddleware] | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not is_frontend_path(scope["path"]):
            await self.app(scope, receive, send)
            return
        settings = instance_settings(self.context)
        origins = settings.frontend_api_origins(await settings.current())
        headers = Headers(scope=scope)
        origin = headers.get("origin")
        preflight = scope["method"] == "OPTIONS" and "access-control-request-method" in headers
        if origin is not None and not preflight and not _allowed(origin, origins):
            # No CORS headers, so the browser keeps the answer from the page; ``Vary`` tells
            # caches that another origin may get another answer.
            await self.app(scope, receive, _vary_on_origin(send))
            return
        await self._middleware(origins)(scope, receive, send)

    def _middleware(self, origins: tuple[str, ...]) -> CORSMiddleware:
        built = self._built
        if built is not None and built[0] == origins:
            return built[1]
        explicit = not allows_any(origins)
        middleware = UnleashErrorCors(
            self.app,
            allow_origins=origins if explicit else ("*",),
            allow_methods=METHODS,
            allow_headers=("*",),
            # Only with a list of origins, as Unleash: a wildcard with credentials is
            # something browsers refuse anyway.
            allow_credentials=explicit,
            expose_headers=("ETag",),
            max_age=MAX_AGE,
        )
        self._built = (origins, middleware)
        return middleware
