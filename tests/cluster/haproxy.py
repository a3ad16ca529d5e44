"""HAProxy (Debian's package) in front of real servers: the configuration a test writes, the
process, its runtime API (which backends it holds up or down) and its log (what each client
received)."""

from __future__ import annotations

import csv
import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from tests.multiprocess.servers import Server, free_port

# A backend is checked every CHECK_INTERVAL_MS and taken out after FALL failed checks in a row:
# a killed process stops getting new requests after about FALL x CHECK_INTERVAL_MS.
CHECK_INTERVAL_MS = 200
FALL = 2
RISE = 2
START_TIMEOUT = 15.0

# One log line per request: when it was received (epoch ms), backend/server, the status the
# client got, method, path, termination state (two dashes when it ended normally), retries, and
# the captured Unleash-AppName header (which SDK asked).
LOG_FORMAT = "%Ts%ms %s %ST %HM %HP %ts %rc %hr"

CONFIG = """\
global
    log stdout format raw local0
    stats socket {socket} mode 600 level admin
    maxconn 1000

defaults
    mode http
    log global
    log-format "{log_format}"
    timeout connect 1s
    timeout client 30s
    timeout server 30s
    timeout http-request 10s

frontend flagstaff
    bind 127.0.0.1:{port}
    capture request header Unleash-AppName len 64
    default_backend flagstaff

backend flagstaff
    balance roundrobin
    # A request is retried (up to 3 times, each on another server) when the connection to a
    # server fails, which is safe for any method: the server never saw it. A GET or HEAD is also
    # retried when the server dies with it in hand (empty or broken answer, timeout); a write is
    # not, since the server may have carried it out.
    retries 3
    option redispatch 1
    retry-on conn-failure empty-response junk-response response-timeout
    http-request disable-l7-retry unless METH_GET || METH_HEAD
    option httpchk
    http-check send meth GET uri /ready
    http-check expect status 200
    default-server check inter {inter}ms fastinter {inter}ms downinter {inter}ms
    default-server rise {rise} fall {fall}
{servers}
"""


def haproxy() -> str:
    """The ``haproxy`` binary. Missing, a test is skipped on a developer's machine and fails in
    CI (``CI`` set), where scripts/test installs it: a broken install cannot pass as a skip."""
    binary = shutil.which("haproxy") or next(
        (path for path in ("/usr/sbin/haproxy",) if os.access(path, os.X_OK)), None
    )
    if binary is None:
        problem = "haproxy is not installed: scripts/test installs Debian's package"
        if os.environ.get("CI"):
            pytest.fail(problem)
        pytest.skip(problem)
    return binary


@dataclass
class LogEntry:
    received: float  # epoch seconds
    server: str
    status: int
    method: str
    path: str
    termination: str
    retries: int
    app_name: str

    @property
    def failed(self) -> bool:
        # Anything a client would take for an error: a 5xx (HAProxy's own 502/503 included)
        # or a response HAProxy cut off.
        return self.status >= 500 or self.status < 0 or self.termination != "--"


@dataclass
class LoadBalancer:
    url: str
    process: subprocess.Popen[bytes]
    stats_socket: Path
    log: Path

    def server_states(self) -> dict[str, str]:
        """Each backend server's state as HAProxy holds it (``UP``, ``DOWN``, ``UP 1/2``...)."""
        rows = csv.DictReader(self._command("show stat").lstrip("# ").splitlines())
        return {
            row["svname"]: row["status"]
            for row in rows
            if row["pxname"] == "flagstaff" and row["svname"] not in ("FRONTEND", "BACKEND")
        }

    def entries(self) -> list[LogEntry]:
        entries = []
        for line in self.log.read_text().splitlines():
            parts = line.split(" ", 7)
            if len(parts) < 7 or not parts[0].isdigit():
                continue  # HAProxy's own notices (a server going down)
            received, server, status, method, path, termination, retries = parts[:7]
            app_name = parts[7].strip("{}") if len(parts) > 7 else ""
            entries.append(
                LogEntry(
                    int(received) / 1000,
                    server,
                    int(status),
                    method,
                    path,
                    termination,
                    int(retries.lstrip("+")),
                    app_name,
                )
            )
        return entries

    def _command(self, command: str) -> str:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as connection:
            connection.settimeout(5)
            connection.connect(str(self.stats_socket))
            connection.sendall(command.encode() + b"\n")
            chunks = []
            while chunk := connection.recv(65536):
                chunks.append(chunk)
        return b"".join(chunks).decode()


def server_name(server: Server | int) -> str:
    """The name HAProxy gives a server (or the server on a port)."""
    return f"s{_port(server)}"


def _port(server: Server | int) -> int:
    return server if isinstance(server, int) else server.port


@contextmanager
def running_load_balancer(servers: Sequence[Server | int], workdir: Path) -> Iterator[LoadBalancer]:
    """HAProxy on a free loopback port, round robin over ``servers`` (or servers on those ports
    of 127.0.0.1); yielded once every one of them is UP."""
    binary = haproxy()
    port = free_port()
    stats_socket = workdir / "haproxy.sock"
    config = workdir / "haproxy.cfg"
    config.write_text(
        CONFIG.format(
            socket=stats_socket,
            log_format=LOG_FORMAT,
            port=port,
            inter=CHECK_INTERVAL_MS,
            rise=RISE,
            fall=FALL,
            servers="\n".join(f"    server {server_name(s)} 127.0.0.1:{_port(s)}" for s in servers),
        )
    )
    log = workdir / "haproxy.log"
    with log.open("wb") as output:
        # -db: stay in the foreground, the test owns the process; the log goes to its stdout.
        process = subprocess.Popen(
            [binary, "-db", "-f", str(config)], stdout=output, stderr=subprocess.STDOUT
        )
    balancer = LoadBalancer(f"http://127.0.0.1:{port}", process, stats_socket, log)
    try:
        _wait_all_up(balancer, len(servers))
        yield balancer
    finally:
        stop(process)


def stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM, and SIGKILL for a process that has not ended ten seconds later."""
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def _wait_all_up(balancer: LoadBalancer, count: int) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if balancer.process.poll() is not None:
            raise RuntimeError(f"haproxy exited: {balancer.log.read_text()}")
        try:
            states = balancer.server_states()
        except OSError:
            states = {}  # the runtime API is not listening yet
        if len(states) == count and all(state == "UP" for state in states.values()):
            with httpx.Client(timeout=2) as probe:
                if probe.get(f"{balancer.url}/ready").status_code == 200:
                    return
        time.sleep(0.05)
    raise RuntimeError(
        f"haproxy's servers not all up in {START_TIMEOUT}s: {balancer.log.read_text()}"
    )
