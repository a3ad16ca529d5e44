"""Shared by the benchmarks: start ``flagstaff serve`` on a fresh SQLite data directory, pinned
to one core, and drive it with ``wrk`` pinned to the other. The server runs as ``flagstaff
serve`` starts it by default, access log included (written to a file in the data directory, as a
service manager would take it); ``LOGGING_OFF`` is the environment that turns logging off, for
benchmarks that print both."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

ADMIN_PASSWORD = "Bench-Passw0rd!"  # noqa: S105 - a throwaway server's password
FLAGSTAFF = str(Path(sys.executable).with_name("flagstaff"))
SERVER_CPU = "0"
LOAD_CPU = "1"
LOGGING_OFF = {"FLAGSTAFF_LOG_LEVEL": "warning"}


@dataclass
class Server:
    url: str
    pid: int

    def rss_mb(self) -> float:
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        return float("nan")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def server(extra_env: dict[str, str] | None = None) -> Iterator[Server]:
    with tempfile.TemporaryDirectory() as data_dir:
        port = free_port()
        env = {
            **os.environ,
            "FLAGSTAFF_DATA_DIR": data_dir,
            "FLAGSTAFF_ADMIN_PASSWORD": ADMIN_PASSWORD,
        }
        for name in ("DATABASE_URL", "FLAGSTAFF_LOG_LEVEL", "FLAGSTAFF_LOG_FORMAT"):
            env.pop(name, None)
        env.update(extra_env or {})
        process = spawn(env, Path(data_dir), port)
        try:
            yield Server(f"http://127.0.0.1:{port}", process.pid)
        finally:
            process.terminate()
            process.wait(timeout=20)


def spawn(
    env: dict[str, str], data_dir: Path, port: int, timeout: float = 60
) -> subprocess.Popen[bytes]:
    """``flagstaff serve`` with ``env`` on ``SERVER_CPU``, its output appended to
    ``data_dir/server.log``; returns once ``/health`` answers (killed if it never does)."""
    command = ["taskset", "-c", SERVER_CPU, FLAGSTAFF, "serve", "--port", str(port)]
    with (data_dir / "server.log").open("ab") as log:
        process = subprocess.Popen(command, env=env, stdout=log, stderr=log)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health", timeout=1).status_code == 200:
                return process
        except httpx.TransportError:
            time.sleep(0.05)
    process.kill()
    raise SystemExit(f"the server did not become healthy within {timeout:.0f} s")


@contextmanager
def admin_client(url: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=url, timeout=30) as client:
        client.post(
            "/auth/simple/login", json={"username": "admin", "password": ADMIN_PASSWORD}
        ).raise_for_status()
        yield client


@dataclass
class WrkResult:
    requests_per_second: float
    p99_ms: float
    non_2xx: int

    def line(self, label: str) -> str:
        errors = f"  non-2xx/3xx: {self.non_2xx}" if self.non_2xx else ""
        return (
            f"{label:48} {self.requests_per_second:10.0f} req/s   p99 {self.p99_ms:6.2f} ms{errors}"
        )


def wrk(
    url: str,
    *,
    headers: dict[str, str] | None = None,
    seconds: int = 10,
    connections: int = 32,
    script: str | None = None,
) -> WrkResult:
    command = ["taskset", "-c", LOAD_CPU, "wrk", "--latency", "-t1", f"-c{connections}"]
    command += [f"-d{seconds}s"]
    for name, value in (headers or {}).items():
        command += ["-H", f"{name}: {value}"]
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as lua:
        lua.write(script or "")
    if script:
        command += ["-s", lua.name]
    output = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    os.unlink(lua.name)
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))  # type: ignore[union-attr]
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)", output)
    scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}
    p99_ms = float(p99.group(1)) * scale[p99.group(2)] if p99 else float("nan")
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return WrkResult(rps, p99_ms, int(non_2xx.group(1)) if non_2xx else 0)
