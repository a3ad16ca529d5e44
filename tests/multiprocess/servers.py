"""Real ``flagstaff serve`` processes on one database, for tests that cross process lines."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from tests.db import create_schema, drop_schema, on_postgres, postgres_url

FLAGSTAFF = str(Path(sys.executable).with_name("flagstaff"))
ADMIN_PASSWORD = "Adm1n-Passw0rd!"
START_TIMEOUT = 60.0  # generous: a loaded CI machine imports slowly


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass
class Server:
    port: int
    process: subprocess.Popen[bytes]
    output: Path
    env: dict[str, str] = field(repr=False)
    url: str = field(init=False)

    def __post_init__(self) -> None:
        self.url = f"http://127.0.0.1:{self.port}"

    def client(self) -> httpx.Client:
        return httpx.Client(base_url=self.url, timeout=10)

    @contextmanager
    def admin(self) -> Iterator[httpx.Client]:
        with self.client() as client:
            response = client.post(
                "/auth/simple/login", json={"username": "admin", "password": ADMIN_PASSWORD}
            )
            response.raise_for_status()
            yield client


def database_url(env: dict[str, str]) -> str:
    """The SQLAlchemy URL of the database the servers started with ``env`` share."""
    url = env.get("DATABASE_URL") or f"sqlite:///{Path(env['FLAGSTAFF_DATA_DIR']) / 'flagstaff.db'}"
    return url.replace("postgresql://", "postgresql+psycopg://", 1)


@contextmanager
def shared_database(tmp_path: Path) -> Iterator[dict[str, str]]:
    """Environment for servers that share one database (a PostgreSQL schema or a SQLite file)."""
    env = {
        **os.environ,
        "FLAGSTAFF_DATA_DIR": str(tmp_path / "data"),
        "FLAGSTAFF_SECRET_KEY": "multi-process-secret-key-0123456789abcdef",
        "FLAGSTAFF_ADMIN_PASSWORD": ADMIN_PASSWORD,
        "FLAGSTAFF_REVISION_POLL_SECONDS": "0.25",
    }
    env.pop("DATABASE_URL", None)
    if not on_postgres():
        yield env
        return
    schema = f"fs_mp_{os.getpid()}_{time.monotonic_ns()}"
    create_schema(schema)
    env["DATABASE_URL"] = postgres_url(schema)
    try:
        yield env
    finally:
        drop_schema(schema)


@contextmanager
def server_pair(tmp_path: Path, **settings: str) -> Iterator[tuple[Server, Server]]:
    """Two servers on one database, started with ``settings`` (``FLAGSTAFF_*`` variables) on
    top of the shared environment."""
    # Started together: each start is seconds of imports and migration on a loaded machine,
    # and a fresh database raced by two processes is what production does anyway.
    with (
        shared_database(tmp_path) as env,
        running_servers({**env, **settings}, tmp_path, count=2) as (first, second),
    ):
        yield first, second


@contextmanager
def running_server(env: dict[str, str], log_dir: Path) -> Iterator[Server]:
    with running_servers(env, log_dir, count=1) as (server,):
        yield server


@contextmanager
def running_servers(env: dict[str, str], log_dir: Path, count: int) -> Iterator[list[Server]]:
    """``count`` servers started at the same moment (each migrates and bootstraps at start, so
    this is also how processes racing on a fresh database are shown), yielded once all are
    healthy."""
    servers: list[Server] = []
    try:
        for _ in range(count):
            servers.append(_start(env, log_dir))
        for server in servers:
            _wait_healthy(server)
        yield servers
    finally:
        for server in servers:
            _stop(server)


def _start(env: dict[str, str], log_dir: Path) -> Server:
    port = free_port()
    output = log_dir / f"server-{port}.log"
    with output.open("wb") as log:
        process = subprocess.Popen(
            [FLAGSTAFF, "serve", "--port", str(port)],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    return Server(port, process, output, env)


def _stop(server: Server) -> None:
    server.process.terminate()  # nothing if a test already killed it and it was reaped
    try:
        server.process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.process.kill()
        server.process.wait()


def _wait_healthy(server: Server) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"server exited: {server.output.read_text()}")
        try:
            with httpx.Client(timeout=1) as probe:
                if probe.get(f"{server.url}/health").status_code == 200:
                    return
        except httpx.TransportError:
            pass
        time.sleep(0.05)
    raise RuntimeError(f"server not healthy in {START_TIMEOUT}s: {server.output.read_text()}")
