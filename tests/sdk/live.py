"""A real server on a loopback port, in a thread of the test process: what SDKs talk to.

The app is Flagstaff's own (``create_app``) run by uvicorn, wrapped to record each request's
method, path and status so tests can see what the SDK did on the wire."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import httpx
import uvicorn
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from flagstaff.app import create_app
from flagstaff.http.context import AppContext


@dataclass
class Exchange:
    method: str
    path: str
    status: int
    if_none_match: bool


@dataclass
class Recorder:
    app: ASGIApp
    exchanges: list[Exchange] = field(default_factory=list)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        conditional = any(name == b"if-none-match" for name, _ in scope["headers"])

        async def recording_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                self.exchanges.append(
                    Exchange(scope["method"], scope["path"], message["status"], conditional)
                )
            await send(message)

        await self.app(scope, receive, recording_send)

    def seen(self, method: str, path: str) -> list[Exchange]:
        return [e for e in list(self.exchanges) if e.method == method and e.path == path]


@dataclass
class LiveServer:
    url: str
    recorder: Recorder
    admin: httpx.Client


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def live_server(context: AppContext, admin_token: str) -> Iterator[LiveServer]:
    recorder = Recorder(create_app(context.settings, context))
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(recorder, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    )
    thread = threading.Thread(target=server.run, name="live-server", daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the live server did not start")
        time.sleep(0.02)
    url = f"http://127.0.0.1:{port}"
    admin = httpx.Client(base_url=url, headers={"Authorization": admin_token}, timeout=10)
    try:
        yield LiveServer(url, recorder, admin)
    finally:
        admin.close()
        server.should_exit = True
        thread.join(timeout=10)


def wait_for(predicate: object, timeout: float = 10.0, what: str = "condition") -> None:
    """Polls ``predicate`` (a callable) until it holds; SDKs act on their own schedule."""
    assert callable(predicate)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")
