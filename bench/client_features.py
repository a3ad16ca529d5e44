"""Client API throughput: ``flagstaff serve`` (1 worker, SQLite in a temporary data directory)
driven by ``wrk`` from the other core.

Run:  .venv/bin/python bench/client_features.py [--flags 350] [--duration 10] [--connections 64]
Needs ``wrk`` (Debian package) and ``taskset``; the server is pinned to CPU 0, wrk to CPU 1.

Loads the flags through the Admin API (~120 kB of client payload for 350 flags), then measures:
a baseline (``GET /health``), ``GET /api/client/features`` answered 200 (gzip, as SDKs ask, and
uncompressed), 304 (``If-None-Match``), 304 with a new connection per request, and
``POST /api/client/metrics``. Prints req/s, p99 latency, the ratio to the baseline, and the
server's RSS; then loads up to 1,000 flags and prints the RSS again.

wrk is a closed loop: every connection sends its next request as soon as the last is answered,
so each scenario runs the server at saturation and its p99 is mostly queueing behind the other
63 connections. The "paced" scenarios measure latency at a given rate instead (``--paced-rate``,
default 8,000 req/s, the 200 target): each connection waits ``connections / rate`` between
requests, so the p99 is what an SDK would see on a server doing that much work.

Targets per worker: 304 >= 15,000 req/s, 200 >= 8,000 req/s, p99 <= 10 ms, metrics >= 5,000
req/s, RSS <= 150 MB at 1,000 flags.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

ADMIN = "*:*.bench-admin-token-0123456789abcdef"
CLIENT = "*:development.bench-client-token-0123456789abcdef"
SERVER_CPU, LOAD_CPU = "0", "1"
METRICS_BODY = {
    "appName": "bench",
    "instanceId": "bench-1",
    "bucket": {
        "start": "2026-01-01T00:00:00Z",
        "stop": "2026-01-01T00:01:00Z",
        "toggles": {f"bench-flag-{i:04d}": {"yes": 3, "no": 1} for i in range(5)},
    },
}


@dataclass
class Result:
    name: str
    rps: float
    p99_ms: float
    non_2xx_3xx: int
    requests: int
    server_cpu_s: float  # user + system time the server spent during the run

    @property
    def cpu_us_per_request(self) -> float:
        return self.server_cpu_s / max(self.requests, 1) * 1e6


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def start_server(data_dir: Path, port: int) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "FLAGSTAFF_DATA_DIR": str(data_dir),
        "FLAGSTAFF_ADMIN_PASSWORD": "Bench-Passw0rd!",
        "FLAGSTAFF_LOG_LEVEL": "warning",  # no access log line per request
        "INIT_ADMIN_API_TOKENS": ADMIN,
        "INIT_CLIENT_API_TOKENS": CLIENT,
    }
    env.pop("DATABASE_URL", None)
    flagstaff = Path(sys.executable).with_name("flagstaff")
    command = ["taskset", "-c", SERVER_CPU, str(flagstaff), "serve", "--port", str(port)]
    server = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health", timeout=1).status_code == 200:
                return server
        except httpx.HTTPError:
            time.sleep(0.1)
    server.kill()
    raise SystemExit("the server did not become healthy within 30 s")


def flag_body(index: int) -> list[tuple[str, str, object]]:
    """The Admin API calls that make one flag: a gradual rollout with a constraint (and a
    variant on every fifth), enabled in development (about 350 bytes of client payload)."""
    name = f"bench-flag-{index:04d}"
    base = f"/api/admin/projects/default/features/{name}"
    strategy = {
        "name": "flexibleRollout",
        "parameters": {"rollout": str(index % 100), "stickiness": "default", "groupId": name},
        "constraints": [{"contextName": "appName", "operator": "IN", "values": ["web", "api"]}],
        "variants": []
        if index % 5
        else [
            {
                "name": "on",
                "weight": 1000,
                "weightType": "variable",
                "stickiness": "default",
                "payload": {"type": "string", "value": f"value-{index}"},
            }
        ],
    }
    return [
        ("POST", "/api/admin/projects/default/features", {"name": name, "description": "bench"}),
        ("POST", f"{base}/environments/development/strategies", strategy),
        ("POST", f"{base}/environments/development/on", None),
    ]


def load_flags(url: str, start: int, stop: int) -> None:
    with httpx.Client(base_url=url, headers={"Authorization": ADMIN}, timeout=30) as admin:
        for index in range(start, stop):
            for method, path, body in flag_body(index):
                response = admin.request(method, path, json=body)
                if response.status_code >= 300:
                    raise SystemExit(f"{method} {path}: {response.status_code} {response.text}")


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def cpu_seconds(pid: int) -> float:
    """The process's user + system CPU time: what the requests cost the server, whatever else
    the machine was doing (other load on a shared machine lowers req/s, not this)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def wrk(
    name: str,
    url: str,
    args: argparse.Namespace,
    headers: dict[str, str],
    script: str | None = None,
) -> Result:
    command = [
        "taskset",
        "-c",
        LOAD_CPU,
        "wrk",
        "-t1",
        f"-c{args.connections}",
        f"-d{args.duration}s",
        "--latency",
    ]
    for key, value in headers.items():
        command += ["-H", f"{key}: {value}"]
    if script:
        command += ["-s", script]
    cpu_before = cpu_seconds(args.server_pid)
    output = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    cpu_used = cpu_seconds(args.server_pid) - cpu_before
    requests = int(re.search(r"(\d+) requests in", output).group(1))  # type: ignore[union-attr]
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))  # type: ignore[union-attr]
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)", output)
    assert p99 is not None, output
    scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}[p99.group(2)]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    failed = int(errors.group(1)) if errors else 0
    return Result(name, rps, float(p99.group(1)) * scale, failed, requests, cpu_used)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--flags", type=int, default=350)
    parser.add_argument("--flags-for-memory", type=int, default=1000)
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--paced-rate", type=int, default=8000)
    args = parser.parse_args()
    for tool in ("wrk", "taskset"):
        if shutil.which(tool) is None:
            raise SystemExit(f"{tool} is not installed (apt-get install -y {tool})")

    data_dir = Path(tempfile.mkdtemp(prefix="flagstaff-bench-"))
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    server = start_server(data_dir, port)
    args.server_pid = server.pid
    try:
        started = time.monotonic()
        load_flags(url, 0, args.flags)
        print(
            f"loaded {args.flags} flags through the Admin API in {time.monotonic() - started:.1f}s"
        )
        client = {"Authorization": CLIENT, "Unleash-Client-Spec": "5.2.0"}
        plain = httpx.get(
            f"{url}/api/client/features", headers={**client, "Accept-Encoding": "identity"}
        )
        etag = plain.headers["etag"]
        zipped = len(gzip.compress(plain.content)) / 1024
        count = len(plain.json()["features"])
        print(f"payload: {len(plain.content) / 1024:.1f} kB ({zipped:.1f} kB gzip), {count} flags")
        script = data_dir / "metrics.lua"
        script.write_text(
            'wrk.method = "POST"\n'
            f"wrk.body = {json.dumps(json.dumps(METRICS_BODY))}\n"
            'wrk.headers["Content-Type"] = "application/json"\n'
        )
        features = f"{url}/api/client/features"
        paced = data_dir / "paced.lua"
        # Less one millisecond for the answer itself, so the achieved rate comes near the target.
        pause_ms = max(1, 1000 * args.connections // args.paced_rate - 1)
        paced.write_text(f"function delay()\n  return {pause_ms}\nend\n")
        runs = [
            wrk("baseline GET /health", f"{url}/health", args, {}),
            wrk("200 features (gzip)", features, args, {**client, "Accept-Encoding": "gzip"}),
            wrk(
                "200 features (identity)", features, args, {**client, "Accept-Encoding": "identity"}
            ),
            wrk(
                f"200 identity, paced ~{args.paced_rate}/s",
                features,
                args,
                {**client, "Accept-Encoding": "identity"},
                str(paced),
            ),
            wrk(
                f"200 gzip, paced ~{args.paced_rate}/s",
                features,
                args,
                {**client, "Accept-Encoding": "gzip"},
                str(paced),
            ),
            wrk("304 features", features, args, {**client, "If-None-Match": etag}),
            wrk(
                "304 features, new connection each",
                features,
                args,
                {**client, "If-None-Match": etag, "Connection": "close"},
            ),
            wrk("202 POST metrics", f"{url}/api/client/metrics", args, client, str(script)),
        ]
        rss_350 = rss_mb(server.pid)
        baseline = runs[0].rps
        print(
            f"\n{'scenario':36} {'req/s':>9} {'p99 ms':>8} {'x base':>7} {'errors':>7}"
            f" {'server CPU us/req':>18} {'req/s per busy core':>20}"
        )
        for run in runs:
            per_core = 1e6 / run.cpu_us_per_request if run.cpu_us_per_request else 0.0
            print(
                f"{run.name:36} {run.rps:9.0f} {run.p99_ms:8.2f} {run.rps / baseline:7.2f}"
                f" {run.non_2xx_3xx:7} {run.cpu_us_per_request:18.1f} {per_core:20.0f}"
            )
        print(f"load average after the runs: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
        print(f"\nserver RSS after the runs ({args.flags} flags): {rss_350:.1f} MB")
        if args.flags_for_memory > args.flags:
            load_flags(url, args.flags, args.flags_for_memory)
            for encoding in ("gzip", "identity"):
                httpx.get(features, headers={**client, "Accept-Encoding": encoding})
            httpx.get(features, headers={"Authorization": CLIENT})  # the inlined variant too
            print(f"server RSS with {args.flags_for_memory} flags: {rss_mb(server.pid):.1f} MB")
    finally:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
        shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
