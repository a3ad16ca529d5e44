"""Streams to SDKs at scale: ``flagstaff serve`` (1 worker, SQLite, default settings, core 0) with
1,000 connected ``GET /api/client/streaming`` clients (asyncio sockets in this process, core 1).

Run:  .venv/bin/python bench/streaming.py [--streams 1000] [--changes 5] [--flags 50]

Prints the server's RSS before and with the streams open, then switches a flag through the
Admin API ``--changes`` times and prints, for each change and over all of them, how long the
``unleash-updated`` event took to reach the streams (p50, p99, the last one), from just before
the Admin API call was sent. Targets: RSS <= 150 MB with 1,000 streams, p99 <= 1 s.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

import httpx
from _server import spawn

ADMIN = "*:*.bench-admin-token-0123456789abcdef"
CLIENT = "*:development.bench-client-token-0123456789abcdef"
SERVER_CPU, LOAD_CPU = "0", 1
FLAG = "/api/admin/projects/default/features/bench-flag-0000"


def start_server(data_dir: Path, port: int, streams: int) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "FLAGSTAFF_DATA_DIR": str(data_dir),
        "FLAGSTAFF_ADMIN_PASSWORD": "Bench-Passw0rd!",
        "INIT_ADMIN_API_TOKENS": ADMIN,
        "INIT_CLIENT_API_TOKENS": CLIENT,
        "FLAGSTAFF_STREAMING_MAX_CONNECTIONS": str(max(streams, 2000)),
    }
    for name in ("DATABASE_URL", "FLAGSTAFF_LOG_LEVEL"):
        env.pop(name, None)
    return spawn(env, data_dir, port, timeout=60)


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


class StreamClient:
    """One SDK's stream, read with asyncio: notes when each ``unleash-updated`` arrives."""

    def __init__(self) -> None:
        self.arrivals: list[float] = []
        self.connected = asyncio.Event()
        self.updated = asyncio.Event()
        self.writer: asyncio.StreamWriter | None = None

    async def run(self, port: int) -> None:
        reader, self.writer = await asyncio.open_connection("127.0.0.1", port)
        self.writer.write(
            (
                "GET /api/client/streaming HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                f"Authorization: {CLIENT}\r\nUnleash-Client-Spec: 5.2.0\r\n"
                "Accept: text/event-stream\r\n\r\n"
            ).encode()
        )
        status = await reader.readline()
        if b" 200 " not in status:
            raise RuntimeError(f"stream refused: {status!r}")
        while True:
            line = await reader.readline()
            if not line:
                return
            if line.startswith(b"event: unleash-connected"):
                self.connected.set()
            elif line.startswith(b"event: unleash-updated"):
                self.arrivals.append(time.monotonic())
                self.updated.set()

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()


async def bench(port: int, pid: int, args: argparse.Namespace) -> None:
    url = f"http://127.0.0.1:{port}"
    idle_rss = rss_mb(pid)
    clients = [StreamClient() for _ in range(args.streams)]
    tasks = []
    started = time.monotonic()
    for index, client in enumerate(clients):
        tasks.append(asyncio.create_task(client.run(port)))
        if index % 100 == 99:
            await asyncio.sleep(0)  # let the first ones connect while the rest are made
    await asyncio.wait_for(asyncio.gather(*(c.connected.wait() for c in clients)), 120)
    print(
        f"{args.streams} streams connected in {time.monotonic() - started:.1f}s; server RSS "
        f"{idle_rss:.1f} MB before, {rss_mb(pid):.1f} MB with them open"
    )
    all_delays: list[float] = []
    async with httpx.AsyncClient(base_url=url, headers={"Authorization": ADMIN}) as admin:
        for change in range(args.changes):
            for client in clients:
                client.updated.clear()
            action = "off" if change % 2 == 0 else "on"
            sent = time.monotonic()
            response = await admin.post(f"{FLAG}/environments/development/{action}")
            response.raise_for_status()
            await asyncio.wait_for(asyncio.gather(*(c.updated.wait() for c in clients)), 30)
            delays = sorted(c.arrivals[-1] - sent for c in clients)
            all_delays += delays
            print(
                f"change {change + 1}: p50 {1000 * delays[len(delays) // 2]:.0f} ms, "
                f"p99 {1000 * delays[int(len(delays) * 0.99) - 1]:.0f} ms, "
                f"last {1000 * delays[-1]:.0f} ms"
            )
            await asyncio.sleep(0.5)
    all_delays.sort()
    p99 = all_delays[int(len(all_delays) * 0.99) - 1]
    print(
        f"over {args.changes} changes x {args.streams} streams: p50 "
        f"{1000 * statistics.median(all_delays):.0f} ms, p99 {1000 * p99:.0f} ms, "
        f"max {1000 * all_delays[-1]:.0f} ms"
    )
    rss = rss_mb(pid)
    print(f"server RSS after the changes: {rss:.1f} MB")
    print(f"target RSS <= 150 MB with {args.streams} streams: {'met' if rss <= 150 else 'NOT met'}")
    print(f"target p99 <= 1 s: {'met' if p99 <= 1.0 else 'NOT met'}")
    for client in clients:
        client.close()
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--streams", type=int, default=1000)
    parser.add_argument("--changes", type=int, default=5)
    parser.add_argument("--flags", type=int, default=50)
    args = parser.parse_args()
    os.sched_setaffinity(0, {LOAD_CPU})
    print(f"load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    with tempfile.TemporaryDirectory(prefix="flagstaff-bench-") as data_dir:
        sock_port = _free_port()
        server = start_server(Path(data_dir), sock_port, args.streams)
        try:
            with httpx.Client(
                base_url=f"http://127.0.0.1:{sock_port}", headers={"Authorization": ADMIN}
            ) as admin:
                for index in range(args.flags):
                    name = f"bench-flag-{index:04d}"
                    base = f"/api/admin/projects/default/features/{name}"
                    admin.post("/api/admin/projects/default/features", json={"name": name})
                    admin.post(
                        f"{base}/environments/development/strategies",
                        json={"name": "flexibleRollout", "parameters": {"rollout": "50"}},
                    ).raise_for_status()
                    admin.post(f"{base}/environments/development/on").raise_for_status()
            asyncio.run(bench(sock_port, server.pid, args))
        finally:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
    print(f"load average after: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


if __name__ == "__main__":
    main()
