"""The access log: one structured line per request, at a price the Client API can pay.

uvicorn's own access log builds a ``LogRecord``, formats it and writes it to stderr (a system
call) on the event loop, for every request: about 40 % of what a cached Client API answer costs.
Here the request path only appends ``(time, scope, status)`` to a deque when the response
starts; a thread wakes a few times a second, formats what accumulated (paths through a small
cache, timestamps once per millisecond) and writes it in one call. The lines are the ones the
JSON and logfmt formatters of ``core.logs`` give (same fields, same scrubbing of secrets); they
reach the log up to ``FLUSH_SECONDS`` later, and at shutdown every pending line is written.

If the writer falls behind (more than ``MAX_PENDING`` lines waiting), further requests are
counted instead of kept, and a line says how many were dropped: the log never grows the
process's memory without bound.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
import time
from collections import deque
from datetime import UTC, datetime
from functools import lru_cache
from typing import IO

import orjson
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from flagstaff.core.logs import logfmt_value, redact_query, scrub

LOGGER = "flagstaff.access"
FLUSH_SECONDS = 0.2
MAX_PENDING = 100_000

Entry = tuple[float, Scope, int]


@lru_cache(maxsize=4096)
def logged_path(path_with_query: str) -> str:
    """What is written of a path: secret query values and token-shaped text replaced (cached:
    SDKs ask for the same few paths over and over)."""
    return scrub(redact_query(path_with_query))


class AccessLog:
    def __init__(self, fmt: str = "json", stream: IO[str] | None = None) -> None:
        self._format = self._json if fmt == "json" else self._logfmt
        self._stream = stream
        self._pending: deque[Entry] = deque()
        self._dropped = 0
        self._pid = os.getpid()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._stamp: tuple[int, str] = (-1, "")

    def add(self, scope: Scope, status: int) -> None:
        """On the event loop: the whole cost a request pays."""
        if len(self._pending) < MAX_PENDING:
            self._pending.append((time.time(), scope, status))
        else:
            self._dropped += 1

    def start(self) -> None:
        if self._thread is not None:
            return
        self._pid = os.getpid()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="access-log", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        thread, self._thread = self._thread, None
        self._stop.set()
        if thread is not None:
            thread.join(timeout=5)
        self.flush()

    def _run(self) -> None:
        while not self._stop.wait(FLUSH_SECONDS):
            try:
                self.flush()
            except Exception:
                logging.getLogger(__name__).exception("could not write the access log")

    def flush(self) -> None:
        lines = []
        pending = self._pending
        while pending:
            lines.append(self._format(*pending.popleft()))
        dropped, self._dropped = self._dropped, 0
        if dropped:
            lines.append(
                self._format_message(f"access log behind: {dropped} request(s) not logged")
            )
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
        finally:
            if handler is not None:
                handler.release()

    def _timestamp(self, at: float) -> str:
        millis = int(at * 1000)
        if self._stamp[0] != millis:
            moment = datetime.fromtimestamp(millis / 1000, UTC)
            self._stamp = (millis, moment.isoformat(timespec="milliseconds"))
        return self._stamp[1]

    def _fields(self, at: float, scope: Scope, status: int) -> tuple[str, str, str, str]:
        # Unquoted, so that the scrubbing sees a token as it was sent; the JSON and logfmt
        # encodings escape whatever a path may hold.
        path = scope.get("root_path", "") + scope["path"]
        query = scope.get("query_string", b"")
        if query:
            path = f"{path}?{query.decode('latin-1')}"
        client = scope.get("client")
        address = f"{client[0]}:{client[1]}" if client else "-"
        return self._timestamp(at), scope["method"], logged_path(path), address

    def _json(self, at: float, scope: Scope, status: int) -> str:
        ts, method, path, address = self._fields(at, scope, status)
        # The layout of core.logs.JsonFormatter (json.dumps's separators), field for field.
        return (
            f'{{"ts": "{ts}", "level": "info", "logger": "{LOGGER}", "pid": {self._pid}, '
            f'"msg": "request", "method": {_json_text(method)}, "path": {_json_text(path)}, '
            f'"status": {status}, "client": {_json_text(address)}}}'
        )

    def _logfmt(self, at: float, scope: Scope, status: int) -> str:
        ts, method, path, address = self._fields(at, scope, status)
        return (
            f"ts={ts} level=info logger={LOGGER} pid={self._pid} msg=request "
            f"method={logfmt_value(method)} path={logfmt_value(path)} status={status} "
            f"client={logfmt_value(address)}"
        )

    def _format_message(self, message: str) -> str:
        ts = self._timestamp(time.time())
        if self._format == self._json:
            return (
                f'{{"ts": "{ts}", "level": "warning", "logger": "{LOGGER}", '
                f'"pid": {self._pid}, "msg": {_json_text(message)}}}'
            )
        return f"ts={ts} level=warning logger={LOGGER} pid={self._pid} msg={logfmt_value(message)}"


def _json_text(text: str) -> str:
    return orjson.dumps(text).decode()


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
