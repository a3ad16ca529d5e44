"""The Client API's fast path: an ASGI middleware that answers SDK requests before FastAPI's
routing, dependency injection and validation run. ``GET /api/client/features`` with a cached
token and payload is a dict lookup, a header compare and a ``send`` of prebuilt bytes.
``GET /api/client/streaming`` is answered here too, as a response that stays open
(``client_api.streaming``)."""

from __future__ import annotations

import asyncio
import logging
from urllib.parse import unquote

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from flagstaff.client_api import handlers
from flagstaff.client_api.sdk import Reply, SdkRequest, error_reply, json_reply, sdk_principal
from flagstaff.client_api.state import client_api_state
from flagstaff.client_api.streaming import (
    ShuttingDownError,
    Stream,
    TooManyStreamsError,
)
from flagstaff.core.db import describe_unavailable, is_unavailable
from flagstaff.core.errors import FlagstaffError
from flagstaff.core.http_errors import RETRY_AFTER_SECONDS, error_body, unavailable_body
from flagstaff.http.context import AppContext
from flagstaff.http.deps import bearer
from flagstaff.rbac.principal import ApiTokenScope

log = logging.getLogger(__name__)

PREFIX = "/api/client/"
FEATURE_PREFIX = "/api/client/features/"
STREAMING = "/api/client/streaming"
Handler = handlers.Handler
ROUTES: dict[tuple[str, str], Handler] = {
    ("GET", "/api/client/features"): handlers.get_features,
    ("GET", "/api/client/delta"): handlers.get_delta,
    ("POST", "/api/client/metrics"): handlers.post_metrics,
    ("POST", "/api/client/metrics/bulk"): handlers.post_bulk_metrics,
    ("POST", "/api/client/register"): handlers.post_register,
}


class ClientApiMiddleware:
    def __init__(self, app: ASGIApp, context: AppContext) -> None:
        self.app = app
        self.context = context

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"].startswith(PREFIX):
            method, path = scope["method"], scope["path"]
            handler = ROUTES.get((method, path))
            if handler is not None:
                await self._serve(scope, receive, send, handler)
                return
            if method == "GET" and path == STREAMING:
                await serve_stream(self.context, scope, receive, send)
                return
            if method == "GET" and path.startswith(FEATURE_PREFIX) and path != FEATURE_PREFIX:
                name = unquote(path[len(FEATURE_PREFIX) :])

                async def one(c: AppContext, t: ApiTokenScope, r: SdkRequest) -> Reply:
                    return await handlers.get_feature(c, t, r, name)

                await self._serve(scope, receive, send, one)
                return
        await self.app(scope, receive, send)

    async def _serve(self, scope: Scope, receive: Receive, send: Send, handler: Handler) -> None:
        headers = dict(scope["headers"])
        try:
            principal = await sdk_principal(
                self.context, _text(headers.get(b"authorization")), "client"
            )
            assert principal.api_scope is not None
            body = await _read_body(receive) if scope["method"] == "POST" else b""
            client = scope.get("client")
            request = SdkRequest(
                scope["method"],
                scope["path"],
                headers,
                scope.get("query_string", b""),
                body,
                client[0] if client else None,
            )
            reply = await handler(self.context, principal.api_scope, request)
        except FlagstaffError as error:
            reply = error_reply(error)
        except HTTPException as error:  # the body limit of the API guard
            reply = json_reply(error.status_code, error_body("PayloadTooLargeError", error.detail))
        except Exception as error:
            reply = _failure_reply(scope, error)
        await _send(send, reply)


async def serve_stream(context: AppContext, scope: Scope, receive: Receive, send: Send) -> None:
    """``GET /api/client/streaming``: refused like any Client API request, or an open stream."""
    headers = dict(scope["headers"])
    authorization = _text(headers.get(b"authorization"))
    hub = client_api_state(context).streams
    try:
        principal = await sdk_principal(context, authorization, "client")
        assert principal.api_scope is not None
        assert authorization is not None
        request = SdkRequest("GET", STREAMING, headers, scope.get("query_string", b""), b"", None)
        wanted = handlers.stream_scope(principal.api_scope, request)
        stream, first = await hub.open(context, bearer(authorization), principal, wanted)
    except FlagstaffError as error:
        await _send(send, error_reply(error))
        return
    except TooManyStreamsError:
        await _send(send, too_many_streams(hub.limit))
        return
    except ShuttingDownError:
        await _send(send, shutting_down())
        return
    except Exception as error:
        await _send(send, _failure_reply(scope, error))
        return
    try:
        await send({"type": "http.response.start", "status": 200, "headers": EVENT_STREAM})
        await send({"type": "http.response.body", "body": first, "more_body": True})
        del first  # not held for the life of the stream
        await _pump(stream, receive, send)
    finally:
        hub.remove(stream)


EVENT_STREAM = [
    (b"content-type", b"text/event-stream"),
    (b"cache-control", b"no-cache"),
    (b"x-accel-buffering", b"no"),  # nginx: pass each event on at once
]


def too_many_streams(limit: int) -> Reply:
    """Unleash's answer when it has too many streams: the official SDKs switch to polling."""
    body = error_body(
        "TooManyStreamsErrorError",
        f"This server process already has {limit} open streams. Poll /api/client/features "
        "instead, or connect again later.",
    )
    return json_reply(429, body, [(b"retry-after", b"30")])


def shutting_down() -> Reply:
    body = error_body(
        "ServiceUnavailableError", "This server process is shutting down: connect again."
    )
    return json_reply(503, body, [(b"retry-after", b"5")])


async def _pump(stream: Stream, receive: Receive, send: Send) -> None:
    """Sends what the hub hands the stream (changes, and heartbeats when idle) until the stream
    is ended or the client goes away."""

    async def watch_disconnect() -> None:
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                stream.close()
                return

    watcher = asyncio.create_task(watch_disconnect())
    try:
        while not stream.closed:
            await stream.ready.wait()
            data = stream.take()
            if data:
                await send({"type": "http.response.body", "body": data, "more_body": True})
        await send({"type": "http.response.body", "body": b"", "more_body": False})
    finally:
        watcher.cancel()


def _failure_reply(scope: Scope, error: Exception) -> Reply:
    if is_unavailable(error):
        log.error(
            "database unavailable on %s %s: %s",
            scope["method"],
            scope["path"],
            describe_unavailable(error),
        )
        retry = [(b"retry-after", str(RETRY_AFTER_SECONDS).encode())]
        return json_reply(503, unavailable_body(), retry)
    log.exception("client API request failed: %s %s", scope["method"], scope["path"])
    return json_reply(500, error_body("InternalError", "Something went wrong on our side."))


def _text(value: bytes | None) -> str | None:
    return value.decode("latin-1") if value is not None else None


async def _read_body(receive: Receive) -> bytes:
    chunks = []
    while True:
        message: Message = await receive()
        if message["type"] != "http.request":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


async def _send(send: Send, reply: Reply) -> None:
    headers = reply.headers
    if not reply.sized and reply.status not in (204, 304):
        headers = [*headers, (b"content-length", str(len(reply.body)).encode())]
    await send({"type": "http.response.start", "status": reply.status, "headers": headers})
    await send({"type": "http.response.body", "body": reply.body})
