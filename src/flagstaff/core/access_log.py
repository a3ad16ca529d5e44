"""The access log: one structured line per request, at a price the Client API can pay.

uvicorn's own access log builds a ``LogRecord``, runs the JSON formatter and writes to stderr (a
system call, and a flush) for every request: 60 to 90 microseconds a line on this machine, about
40 % of what a cached Client API answer costs. Here the line is made on the event loop from
cached pieces (the scrubbed path and the client address are formatted once per distinct value,
the timestamp once per millisecond) and appended to a buffer; the buffer is written in one call
every ``FLUSH_SECONDS`` (a timer on the loop) or when it holds ``BATCH_LINES`` lines, and when
the server stops. A thread that formats and writes was measured too: it costs the loop less per
request, but it takes the GIL for milliseconds at a time, which cost more throughput and far more
p99 than it saved (bench/access_log.py, bench/client_features.py).

The lines are the ones the JSON and logfmt formatters of ``core.logs`` give for a request: the
same fields, the same scrubbing of secrets; they reach the log up to ``FLUSH_SECONDS`` late.
"""

from __future__ import annotations

import asyncio
import logging
import os
import sys
import time
from datetime import UTC, datetime
from functools import lru_cache
from typing import IO

import orjson
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from flagstaff.core.logs import logfmt_value, redact_query, scrub

LOGGER = "flagstaff.access"
FLUSH_SECONDS = 0.2
BATCH_LINES = 2048


@lru_cache(maxsize=4096)
def logged_path(path_with_query: str) -> str:
    """What is written of a path: secret query values and token-shaped text replaced (cached:
    SDKs ask for the same few paths over and over)."""
    return scrub(redact_query(path_with_query))


@lru_cache(maxsize=4096)
def _json_request(method: str, path_with_query: str) -> str:
    return f'"method": {_json_text(method)}, "path": {_json_text(logged_path(path_with_query))}'


@lru_cache(maxsize=4096)
def _logfmt_request(method: str, path_with_query: str) -> str:
    return f"method={logfmt_value(method)} path={logfmt_value(logged_path(path_with_query))}"


@lru_cache(maxsize=4096)
def _address(client: tuple[str, int] | None) -> str:
    return f"{client[0]}:{client[1]}" if client else "-"


@lru_cache(maxsize=4096)
def _json_address(client: tuple[str, int] | None) -> str:
    return _json_text(_address(client))


@lru_cache(maxsize=4096)
def _logfmt_address(client: tuple[str, int] | None) -> str:
    return logfmt_value(_address(client))


def _json_text(text: str) -> str:
    return orjson.dumps(text).decode()


class AccessLog:
    def __init__(self, fmt: str = "json", stream: IO[str] | None = None) -> None:
        self._json = fmt == "json"
        self._stream = stream
        self._lines: list[str] = []
        self._pid = os.getpid()
        self._stamp: tuple[int, str] = (-1, "")
        self._timer: asyncio.TimerHandle | None = None

    def add(self, scope: Scope, status: int) -> None:
        """On the event loop, when a response starts: the whole cost a request pays."""
        path = scope.get("root_path", "") + scope["path"]
        query = scope.get("query_string", b"")
        if query:
            path = f"{path}?{query.decode('latin-1')}"
        ts = self._timestamp(time.time())
        peer = scope.get("client")
        client = tuple(peer) if peer else None
        if self._json:
            line = (
                f'{{"ts": "{ts}", "level": "info", "logger": "{LOGGER}", "pid": {self._pid}, '
                f'"msg": "request", {_json_request(scope["method"], path)}, '
                f'"status": {status}, "client": {_json_address(client)}}}'
            )
        else:
            line = (
                f"ts={ts} level=info logger={LOGGER} pid={self._pid} msg=request "
                f"{_logfmt_request(scope['method'], path)} status={status} "
                f"client={_logfmt_address(client)}"
            )
        self._lines.append(line)
        if len(self._lines) >= BATCH_LINES:
            self.flush()
        elif self._timer is None:
            try:
                loop = asyncio.get_running_loop()
            except RuntimeError:
                return  # no loop (a test): written at the next flush
            self._timer = loop.call_later(FLUSH_SECONDS, self.flush)

    def start(self) -> None:
        self._pid = os.getpid()

    def stop(self) -> None:
        self.flush()

    def flush(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        lines, self._lines = self._lines, []
        if lines:
            self._write("\n".join(lines) + "\n")

    def _write(self, text: str) -> None:
        # Under the lock of the handler the other logs use, so lines never interleave.
        handlers = logging.getLogger("flagstaff").handlers
        handler = handlers[0] if handlers else None
        stream = self._stream or getattr(handler, "stream", None) or sys.stderr
        if handler is not None:
            handler.acquire()
        try:
            stream.write(text)
            stream.flush()
        except (OSError, ValueError):
            pass  # a closed or broken log stream must not fail requests
        finally:
            if handler is not None:
                handler.release()

    def _timestamp(self, at: float) -> str:
        millis = int(at * 1000)
        if self._stamp[0] != millis:
            moment = datetime.fromtimestamp(millis / 1000, UTC)
            self._stamp = (millis, moment.isoformat(timespec="milliseconds"))
        return self._stamp[1]


class AccessLogMiddleware:
    """Outermost: sees every HTTP request, the Client API's fast path included."""

    def __init__(self, app: ASGIApp, log: AccessLog) -> None:
        self.app = app
        self.log = log

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        add = self.log.add

        async def logging_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                add(scope, message["status"])
            await send(message)

        await self.app(scope, receive, logging_send)


def enabled(level: str) -> bool:
    """The access log is written at ``info`` (and ``debug``), as uvicorn's was."""
    return level.lower() in ("info", "debug")
