"""uvicorn (what ``flagstaff serve`` runs) against granian (a Rust HTTP server for ASGI apps), on
the same app, the same data and the same load: one worker each, both pinned to core 0 and running
at once, wrk on core 1, each scenario measured on one server and then the other.

Run:  .venv/bin/python bench/http_servers.py [seconds]     (needs: pip install granian==2.8.9)

Both serve ``flagstaff.app:create_app_from_env`` with the default settings (the in-app access log
included). Prints req/s and p99 for GET /health, the Client API's 304 and 200 (gzip), and
POST /api/client/metrics, and granian's figures as a ratio of uvicorn's.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
from _server import ADMIN_PASSWORD, FLAGSTAFF, SERVER_CPU, free_port, wrk

CLIENT = "*:development.bench-client-token-0123456789abcdef"
ADMIN = "*:*.bench-admin-token-0123456789abcdef"
GRANIAN = str(Path(sys.executable).with_name("granian"))


def tree_cpu_seconds(root: int) -> float:
    """User + system CPU time of a process and all its descendants (granian runs its worker in a
    child process): what the requests cost, whatever else the machine was doing."""
    parents: dict[int, int] = {}
    times: dict[int, float] = {}
    tick = os.sysconf("SC_CLK_TCK")
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        pid = int(stat.parent.name)
        parents[pid] = int(fields[1])
        times[pid] = (int(fields[11]) + int(fields[12])) / tick
    tree, grew = {root}, True
    while grew:
        more = {pid for pid, parent in parents.items() if parent in tree} - tree
        tree |= more
        grew = bool(more)
    return sum(times.get(pid, 0.0) for pid in tree)


def wait_healthy(url: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.1)
    raise SystemExit(f"{url} did not come up")


def main() -> int:
    seconds = int(sys.argv[1]) if len(sys.argv) > 1 else 10
    if not Path(GRANIAN).exists():
        raise SystemExit("granian is not installed: pip install granian==2.8.9")
    print(f"load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    data_dir = Path(tempfile.mkdtemp(prefix="flagstaff-bench-"))
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("FLAGSTAFF_", "DATABASE_"))},
        "FLAGSTAFF_DATA_DIR": str(data_dir),
        "FLAGSTAFF_ADMIN_PASSWORD": ADMIN_PASSWORD,
        "INIT_CLIENT_API_TOKENS": CLIENT,
        "INIT_ADMIN_API_TOKENS": ADMIN,
    }
    processes: list[subprocess.Popen[bytes]] = []
    try:
        uvicorn_port, granian_port = free_port(), free_port()
        with (data_dir / "uvicorn.log").open("ab") as log:
            processes.append(
                subprocess.Popen(
                    ["taskset", "-c", SERVER_CPU, FLAGSTAFF, "serve", "--port", str(uvicorn_port)],
                    env=env,
                    stdout=log,
                    stderr=log,
                )
            )
        uvicorn_url = f"http://127.0.0.1:{uvicorn_port}"
        wait_healthy(uvicorn_url)  # migrated, with the admin and the API tokens
        with (data_dir / "granian.log").open("ab") as log:
            processes.append(
                subprocess.Popen(
                    [
                        "taskset",
                        "-c",
                        SERVER_CPU,
                        GRANIAN,
                        "--interface",
                        "asgi",
                        "--factory",
                        "--host",
                        "127.0.0.1",
                        "--port",
                        str(granian_port),
                        "--workers",
                        "1",
                        "flagstaff.app:create_app_from_env",
                    ],
                    env=env,
                    stdout=log,
                    stderr=log,
                )
            )
        granian_url = f"http://127.0.0.1:{granian_port}"
        wait_healthy(granian_url)
        with httpx.Client(base_url=uvicorn_url, headers={"Authorization": ADMIN}) as admin:
            for index in range(100):
                name = f"bench-flag-{index:03d}"
                base = f"/api/admin/projects/default/features/{name}"
                admin.post("/api/admin/projects/default/features", json={"name": name})
                admin.post(
                    f"{base}/environments/development/strategies",
                    json={"name": "flexibleRollout", "parameters": {"rollout": "50"}},
                )
                admin.post(f"{base}/environments/development/on")
        time.sleep(1)  # the granian process learns of the flags at its next revision poll
        client = {"Authorization": CLIENT, "Unleash-Client-Spec": "5.2.0"}
        etag = httpx.get(f"{uvicorn_url}/api/client/features", headers=client).headers["etag"]
        body = json.dumps(
            {
                "appName": "bench",
                "instanceId": "1",
                "bucket": {
                    "start": "2026-01-01T00:00:00Z",
                    "stop": "2026-01-01T00:01:00Z",
                    "toggles": {"bench-flag-001": {"yes": 1, "no": 1}},
                },
            }
        )
        script = f'wrk.method = "POST"\nwrk.body = {json.dumps(body)}\n'
        script += 'wrk.headers["Content-Type"] = "application/json"\n'
        scenarios = [
            ("GET /health", "/health", {}, None),
            (
                "304 /api/client/features",
                "/api/client/features",
                {**client, "If-None-Match": etag},
                None,
            ),
            (
                "200 /api/client/features (gzip)",
                "/api/client/features",
                {**client, "Accept-Encoding": "gzip"},
                None,
            ),
            ("202 POST /api/client/metrics", "/api/client/metrics", client, script),
        ]
        print(
            f"\n{'scenario':36} {'uvicorn':>9} {'granian':>9} {'ratio':>6}   req/s (p99 ms)"
            f"   server CPU us/req: uvicorn granian ratio"
        )
        for label, path, headers, lua in scenarios:
            runs = []
            for url, process in ((uvicorn_url, processes[0]), (granian_url, processes[1])):
                before = tree_cpu_seconds(process.pid)
                result = wrk(f"{url}{path}", headers=headers, seconds=seconds, script=lua)
                used = tree_cpu_seconds(process.pid) - before
                runs.append((result, used / max(result.requests_per_second * seconds, 1) * 1e6))
            (first, first_cpu), (second, second_cpu) = runs
            print(
                f"{label:36} {first.requests_per_second:9.0f} {second.requests_per_second:9.0f}"
                f" {second.requests_per_second / first.requests_per_second:6.2f}"
                f"   ({first.p99_ms:.1f} / {second.p99_ms:.1f})"
                f"   {first_cpu:8.1f} {second_cpu:7.1f} {second_cpu / first_cpu:5.2f}"
            )
    finally:
        for process in processes:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
        shutil.rmtree(data_dir, ignore_errors=True)
    print(f"load average after: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    return 0


if __name__ == "__main__":
    sys.exit(main())
