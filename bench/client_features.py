"""Client API throughput: ``flagstaff serve`` (1 worker, SQLite in a temporary data directory)
driven by ``wrk`` from the other core.

Run:  .venv/bin/python bench/client_features.py [--flags 350] [--duration 10] [--connections 64]
Needs ``wrk`` (Debian package) and ``taskset``; the server is pinned to CPU 0, wrk to CPU 1.

Loads the flags through the Admin API (~120 kB of client payload for 350 flags), then measures:
a baseline (``GET /health``), ``GET /api/client/features`` answered 200 (gzip, as SDKs ask, and
uncompressed), 304 (``If-None-Match``), 304 with a new connection per request, and
``POST /api/client/metrics``. Prints req/s, p99 latency, the ratio to the baseline, and the
server's RSS; then loads up to 1,000 flags and prints the RSS again. All of it twice: with the
server as ``flagstaff serve`` starts it (an access log line per request, written to a file), and
with logging off (``FLAGSTAFF_LOG_LEVEL=warning``), then the two side by side.

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
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import httpx
from _server import spawn

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


# What each run's server is started with, on top of what ``flagstaff serve`` does by default: the
# default itself (an access log line per request, to a file as a service manager would take it),
# then logging off, so that the cost of the default is in the same table.
CONFIGURATIONS: dict[str, dict[str, str]] = {
    "default": {},
    "logging off": {"FLAGSTAFF_LOG_LEVEL": "warning"},
}


def start_server(
    data_dir: Path, port: int, extra_env: dict[str, str] | None = None
) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "FLAGSTAFF_DATA_DIR": str(data_dir),
        "FLAGSTAFF_ADMIN_PASSWORD": "Bench-Passw0rd!",
        "INIT_ADMIN_API_TOKENS": ADMIN,
        "INIT_CLIENT_API_TOKENS": CLIENT,
        **(extra_env or {}),
    }
    for name in ("DATABASE_URL", "FLAGSTAFF_LOG_LEVEL", "FLAGSTAFF_LOG_FORMAT"):
        if name not in (extra_env or {}):
            env.pop(name, None)
    return spawn(env, data_dir, port, timeout=30)


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


@dataclass
class Running:
    label: str
    url: str
    process: subprocess.Popen[bytes]
    data_dir: Path
    etag: str = ""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--flags", type=int, default=350)
    parser.add_argument("--flags-for-memory", type=int, default=1000)
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--paced-rate", type=int, default=8000)
    parser.add_argument(
        "--only", choices=sorted(CONFIGURATIONS), help="measure one configuration only"
    )
    args = parser.parse_args()
    for tool in ("wrk", "taskset"):
        if shutil.which(tool) is None:
            raise SystemExit(f"{tool} is not installed (apt-get install -y {tool})")
    print(f"load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    # Every configuration's server runs at once (on the same core; the one not measured is
    # idle), and each scenario is measured on each in turn: what else the machine does then
    # weighs on both alike, which a run per configuration one after the other cannot promise.
    servers: list[Running] = []
    try:
        for label, extra_env in CONFIGURATIONS.items():
            if args.only and label != args.only:
                continue
            data_dir = Path(tempfile.mkdtemp(prefix="flagstaff-bench-"))
            port = free_port()
            process = start_server(data_dir, port, extra_env)
            servers.append(Running(label, f"http://127.0.0.1:{port}", process, data_dir))
        for running in servers:
            started = time.monotonic()
            load_flags(running.url, 0, args.flags)
            running.etag = describe_payload(running.url, args.flags, time.monotonic() - started)
        results: dict[str, list[Result]] = {running.label: [] for running in servers}
        plans = {running.label: scenarios(args, running) for running in servers}
        for index in range(len(plans[servers[0].label])):
            for running in servers:
                name, url, headers, script = plans[running.label][index]
                args.server_pid = running.process.pid
                results[running.label].append(wrk(name, url, args, headers, script))
        for running in servers:
            report(running, results[running.label], args)
        if len(servers) == 2:
            compare(results["default"], results["logging off"])
        default = next((r for r in servers if r.label == "default"), None)
        if default is not None and args.flags_for_memory > args.flags:
            features = f"{default.url}/api/client/features"
            load_flags(default.url, args.flags, args.flags_for_memory)
            for encoding in ("gzip", "identity"):
                httpx.get(features, headers={"Authorization": CLIENT, "Accept-Encoding": encoding})
            httpx.get(features, headers={"Authorization": CLIENT, "Unleash-Client-Spec": "3.0.0"})
            rss = rss_mb(default.process.pid)
            print(f"\nserver RSS with {args.flags_for_memory} flags (default): {rss:.1f} MB")
    finally:
        for running in servers:
            stop_server(running)
    print(f"\nload average after the runs: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")


def describe_payload(url: str, flags: int, seconds: float) -> str:
    client = {"Authorization": CLIENT, "Unleash-Client-Spec": "5.2.0"}
    plain = httpx.get(
        f"{url}/api/client/features", headers={**client, "Accept-Encoding": "identity"}
    )
    zipped = len(gzip.compress(plain.content)) / 1024
    count = len(plain.json()["features"])
    print(
        f"loaded {flags} flags through the Admin API in {seconds:.1f}s; payload "
        f"{len(plain.content) / 1024:.1f} kB ({zipped:.1f} kB gzip), {count} flags"
    )
    return str(plain.headers["etag"])


def scenarios(
    args: argparse.Namespace, running: Running
) -> list[tuple[str, str, dict[str, str], str | None]]:
    client = {"Authorization": CLIENT, "Unleash-Client-Spec": "5.2.0"}
    script = running.data_dir / "metrics.lua"
    script.write_text(
        'wrk.method = "POST"\n'
        f"wrk.body = {json.dumps(json.dumps(METRICS_BODY))}\n"
        'wrk.headers["Content-Type"] = "application/json"\n'
    )
    paced = running.data_dir / "paced.lua"
    # Less one millisecond for the answer itself, so the achieved rate comes near the target.
    pause_ms = max(1, 1000 * args.connections // args.paced_rate - 1)
    paced.write_text(f"function delay()\n  return {pause_ms}\nend\n")
    features = f"{running.url}/api/client/features"
    identity = {**client, "Accept-Encoding": "identity"}
    gzipped = {**client, "Accept-Encoding": "gzip"}
    not_modified = {**client, "If-None-Match": running.etag}
    rate = args.paced_rate
    return [
        ("baseline GET /health", f"{running.url}/health", {}, None),
        ("200 features (gzip)", features, gzipped, None),
        ("200 features (identity)", features, identity, None),
        (f"200 identity, paced ~{rate}/s", features, identity, str(paced)),
        (f"200 gzip, paced ~{rate}/s", features, gzipped, str(paced)),
        ("304 features", features, not_modified, None),
        (
            "304 features, new connection each",
            features,
            {**not_modified, "Connection": "close"},
            None,
        ),
        ("202 POST metrics", f"{running.url}/api/client/metrics", client, str(script)),
    ]


def report(running: Running, runs: list[Result], args: argparse.Namespace) -> None:
    baseline = runs[0].rps
    print(f"\n== {running.label}")
    print(
        f"{'scenario':36} {'req/s':>9} {'p99 ms':>8} {'x base':>7} {'errors':>7}"
        f" {'server CPU us/req':>18} {'req/s per busy core':>20}"
    )
    for run in runs:
        per_core = 1e6 / run.cpu_us_per_request if run.cpu_us_per_request else 0.0
        print(
            f"{run.name:36} {run.rps:9.0f} {run.p99_ms:8.2f} {run.rps / baseline:7.2f}"
            f" {run.non_2xx_3xx:7} {run.cpu_us_per_request:18.1f} {per_core:20.0f}"
        )
    log_lines = sum(1 for _ in (running.data_dir / "server.log").open("rb"))
    print(f"server log: {log_lines} lines")
    print(f"server RSS after the runs ({args.flags} flags): {rss_mb(running.process.pid):.1f} MB")


def compare(default: list[Result], off: list[Result]) -> None:
    print(
        f"\n{'scenario':36} {'default':>9} {'log off':>9} {'ratio':>6}"
        f" {'CPU us/req default':>19} {'log off':>8} {'ratio':>6}"
    )
    for on_run, off_run in zip(default, off, strict=True):
        print(
            f"{on_run.name:36} {on_run.rps:9.0f} {off_run.rps:9.0f} "
            f"{on_run.rps / off_run.rps:6.2f} {on_run.cpu_us_per_request:19.1f}"
            f" {off_run.cpu_us_per_request:8.1f}"
            f" {on_run.cpu_us_per_request / off_run.cpu_us_per_request:6.2f}"
        )


def stop_server(running: Running) -> None:
    running.process.send_signal(signal.SIGINT)
    try:
        running.process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        running.process.kill()
    shutil.rmtree(running.data_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
