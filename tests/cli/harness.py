"""Running the installed ``flagstaff`` command as a user would: in a subprocess, configured only
by its environment, with its output captured in files."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import httpx
from sqlalchemy import create_engine, inspect, select
from sqlalchemy.orm import Session

from flagstaff.accounts.models import Account
from flagstaff.config import Settings
from tests.db import POSTGRES_URL

FLAGSTAFF = Path(sys.executable).parent / "flagstaff"
COMMAND_TIMEOUT = 60.0
START_TIMEOUT = 60.0
STOP_TIMEOUT = 10.0
# Variables of the developer's shell that would change what the command does.
FOREIGN_VARIABLES = ("FLAGSTAFF_", "DATABASE_URL", "INIT_")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def postgres_database_url(schema: str) -> str:
    """The URL form an operator writes (``postgresql://``), confined to one schema."""
    separator = "&" if "?" in POSTGRES_URL else "?"
    return f"{POSTGRES_URL}{separator}options={quote(f'-csearch_path={schema}')}"


class Server:
    """One ``flagstaff serve`` process. Output goes to files, so a chatty server never blocks
    on a full pipe."""

    def __init__(self, home: Path, env: dict[str, str], args: list[str], name: str) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._out_path = home / f"{name}.stdout"
        self._err_path = home / f"{name}.stderr"
        with self._out_path.open("wb") as out, self._err_path.open("wb") as err:
            self.started = time.monotonic()
            self.process = subprocess.Popen(
                [str(FLAGSTAFF), "serve", "--port", str(self.port), *args],
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=err,
                start_new_session=True,  # its own process group: workers are stopped with it
            )

    def wait_healthy(self, timeout: float = START_TIMEOUT) -> float:
        """Seconds from start to the first ``{"health": "GOOD"}``."""
        deadline = self.started + timeout
        with httpx.Client(base_url=self.url, timeout=1.0, trust_env=False) as client:
            while time.monotonic() < deadline:
                if self.process.poll() is not None:
                    raise AssertionError(f"server exited with {self.process.returncode}: {self}")
                try:
                    response = client.get("/health")
                except httpx.TransportError:
                    time.sleep(0.02)
                    continue
                if response.status_code == 200 and response.json() == {"health": "GOOD"}:
                    return time.monotonic() - self.started
        raise AssertionError(f"server not healthy after {timeout}s: {self}")

    def cpu_seconds(self) -> float:
        """CPU time the server process has used so far (user + system, Linux)."""
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        ticks = int(fields[11]) + int(fields[12])  # utime, stime
        return ticks / os.sysconf("SC_CLK_TCK")

    def client(self) -> httpx.Client:
        return httpx.Client(base_url=self.url, timeout=10.0, trust_env=False)

    @property
    def stdout(self) -> str:
        return self._out_path.read_text(errors="replace")

    @property
    def stderr(self) -> str:
        return self._err_path.read_text(errors="replace")

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(STOP_TIMEOUT)
        else:
            # Its workers, should the supervisor have died without them.
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)

    def __str__(self) -> str:
        return f"\n--- stdout\n{self.stdout}\n--- stderr\n{self.stderr[-4000:]}"


class Installation:
    """A data directory (and, on PostgreSQL, a schema) that commands and servers share."""

    def __init__(self, home: Path, database_url: str | None) -> None:
        self.home = home
        self.data_dir = home / "data"
        self.env = {k: v for k, v in os.environ.items() if not k.startswith(FOREIGN_VARIABLES)}
        self.env["FLAGSTAFF_DATA_DIR"] = str(self.data_dir)
        if database_url:
            self.env["DATABASE_URL"] = database_url
        self.servers: list[Server] = []

    def run(
        self, *args: str, stdin: str = "", env: dict[str, str] | None = None
    ) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(FLAGSTAFF), *args],
            env={**self.env, **(env or {})},
            input=stdin,
            capture_output=True,
            text=True,
            timeout=COMMAND_TIMEOUT,
            check=False,
        )

    def start(self, *args: str, env: dict[str, str] | None = None) -> Server:
        server = Server(
            self.home, {**self.env, **(env or {})}, list(args), f"server{len(self.servers)}"
        )
        self.servers.append(server)
        return server

    def stop_all(self) -> None:
        for server in self.servers:
            server.stop()

    def settings(self) -> Settings:
        return Settings(
            data_dir=self.data_dir, database_url=self.env.get("DATABASE_URL"), secret_key=None
        )

    def tables(self) -> list[str]:
        settings = self.settings()
        if settings.is_sqlite and not (self.data_dir / "flagstaff.db").exists():
            return []  # and connecting must not create the file
        engine = create_engine(settings.sqlalchemy_url)
        try:
            return sorted(inspect(engine).get_table_names())
        finally:
            engine.dispose()

    def usernames(self) -> list[str | None]:
        """Every account's username, oldest first; none when there is no schema yet."""
        if "users" not in self.tables():
            return []
        engine = create_engine(self.settings().sqlalchemy_url)
        try:
            with Session(engine) as session:
                return list(session.scalars(select(Account.username).order_by(Account.id)))
        finally:
            engine.dispose()


def login(client: httpx.Client, username: str, password: str) -> httpx.Response:
    return client.post("/auth/simple/login", json={"username": username, "password": password})
