"""The Client API beside the real Unleash: the same flags, the same requests, one run.

Run:  .venv/bin/python bench/versus_unleash.py [--flags 200] [--duration 10]
      [--unleash http://127.0.0.1:4243] [--unleash-admin '*:*.unleash-reference-admin-token']

Needs an Unleash server already running (a development one, started apart from Flagstaff's
tests), ``wrk`` and ``taskset``. Flagstaff is started as ``flagstaff serve`` starts it by default
(one worker, SQLite, an access log line per request), and a twin with logging off beside it. Both
Flagstaff servers and every Unleash process are pinned to CPU 0, wrk to CPU 1; each scenario is
measured on each server in turn, so what else the machine does weighs on all of them alike.

The same ``--flags`` flags (a gradual rollout with a constraint, a variant on every fifth) are
created in both through the Admin API; Unleash's own database may hold other flags, so each
payload's size and flag count are printed beside the figures. Prints req/s, p99 and the server's
CPU per request, and each Flagstaff figure as a multiple of Unleash's: req/s, and requests per
CPU second (the figure that other load on the machine does not distort).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import httpx
from client_features import (
    CLIENT,
    CONFIGURATIONS,
    Result,
    flag_body,
    free_port,
    start_server,
    wrk,
)

UNLEASH_URL = "http://127.0.0.1:4243"
UNLEASH_ADMIN = "*:*.unleash-reference-admin-token"
FLAGSTAFF_ADMIN = "*:*.bench-admin-token-0123456789abcdef"


def load_flags(url: str, admin_token: str, count: int) -> None:
    """Creates the flags, keeping those a previous run made (409 on create)."""
    with httpx.Client(base_url=url, headers={"Authorization": admin_token}, timeout=30) as admin:
        for index in range(count):
            for method, path, body in flag_body(index):
                response = admin.request(method, path, json=body)
                if response.status_code == 409 and method == "POST" and "strategies" not in path:
                    break  # already there from an earlier run, with its strategy
                if response.status_code >= 300:
                    raise SystemExit(f"{url} {method} {path}: {response.status_code}")


def unleash_client_token(url: str, admin_token: str) -> str:
    response = httpx.post(
        f"{url}/api/admin/api-tokens",
        headers={"Authorization": admin_token},
        json={
            "tokenName": "flagstaff-bench",
            "type": "client",
            "environment": "development",
            "projects": ["*"],
        },
    )
    response.raise_for_status()
    return str(response.json()["secret"])


def describe(label: str, url: str, token: str) -> str | None:
    """Prints the payload's size; returns its ETag (None: the server sends none)."""
    headers = {"Authorization": token, "Accept-Encoding": "identity"}
    plain = httpx.get(f"{url}/api/client/features", headers=headers)
    plain.raise_for_status()
    count = len(plain.json()["features"])
    print(f"{label:22} {count:5} flags, payload {len(plain.content) / 1024:.1f} kB")
    etag = plain.headers.get("etag")
    if etag is None:
        return None
    again = httpx.get(
        f"{url}/api/client/features", headers={"Authorization": token, "If-None-Match": etag}
    )
    return etag if again.status_code == 304 else None


def pin_to_server_cpu(url: str) -> int:
    """Pins every process listening on the URL's port (and its threads) to CPU 0; returns the
    listener's pid, whose CPU time the figures use."""
    port = url.rsplit(":", 1)[1].split("/")[0]
    listing = subprocess.run(
        ["ss", "-Hltnp", f"sport = :{port}"], capture_output=True, text=True, check=True
    ).stdout
    pid = int(listing.split("pid=")[1].split(",")[0])
    subprocess.run(["taskset", "-a", "-p", "-c", "0", str(pid)], capture_output=True, check=True)
    return pid


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--flags", type=int, default=200)
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--unleash", default=UNLEASH_URL)
    parser.add_argument("--unleash-admin", default=UNLEASH_ADMIN)
    args = parser.parse_args()
    for tool in ("wrk", "taskset", "ss"):
        if shutil.which(tool) is None:
            raise SystemExit(f"{tool} is not installed")
    print(f"load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    load_flags(args.unleash, args.unleash_admin, args.flags)
    targets: list[tuple[str, str, str, int]] = [
        (
            "unleash",
            args.unleash,
            unleash_client_token(args.unleash, args.unleash_admin),
            pin_to_server_cpu(args.unleash),
        ),
    ]
    processes = []
    try:
        for label, extra_env in CONFIGURATIONS.items():
            data_dir = Path(tempfile.mkdtemp(prefix="flagstaff-bench-"))
            port = free_port()
            process = start_server(data_dir, port, extra_env)
            processes.append((process, data_dir))
            url = f"http://127.0.0.1:{port}"
            load_flags(url, FLAGSTAFF_ADMIN, args.flags)
            targets.append((f"flagstaff {label}", url, CLIENT, process.pid))
        measure(targets, args)
    finally:
        for process, data_dir in processes:
            process.terminate()
            process.wait(timeout=20)
            shutil.rmtree(data_dir, ignore_errors=True)
    print(f"\nload average after: {os.getloadavg()[0]:.1f}")


def measure(targets: list[tuple[str, str, str, int]], args: argparse.Namespace) -> None:
    etags = {label: describe(label, url, token) for label, url, token, _ in targets}
    names = ["200 features (gzip)", "200 features (identity)", "304 features"]
    results: dict[str, dict[str, Result | None]] = {label: {} for label, *_ in targets}
    for name in names:
        for label, url, token, pid in targets:
            headers = {"Authorization": token, "Unleash-Client-Spec": "5.2.0"}
            if name.startswith("304"):
                if etags[label] is None:
                    results[label][name] = None
                    continue
                headers["If-None-Match"] = str(etags[label])
            else:
                headers["Accept-Encoding"] = "gzip" if "gzip" in name else "identity"
            args.server_pid = pid
            results[label][name] = wrk(name, f"{url}/api/client/features", args, headers)
    report(results, names)


def report(results: dict[str, dict[str, Result | None]], names: list[str]) -> None:
    print(
        f"\n{'scenario':26} {'server':22} {'req/s':>9} {'p99 ms':>8} {'CPU us/req':>11}"
        f" {'x unleash':>10} {'CPU x':>6}"
    )
    for name in names:
        unleash = results["unleash"][name]
        for label, runs in results.items():
            run = runs[name]
            if run is None:
                print(f"{name:26} {label:22} {'(no 304: no ETag)':>30}")
                continue
            ratio = f"{run.rps / unleash.rps:10.1f}" if unleash else f"{'-':>10}"
            # Requests per CPU second as a multiple of Unleash's: what a busy machine cannot
            # blur, since each server's own CPU time is counted.
            cpu = f"{unleash.cpu_us_per_request / run.cpu_us_per_request:6.1f}" if unleash else ""
            print(
                f"{name:26} {label:22} {run.rps:9.0f} {run.p99_ms:8.2f}"
                f" {run.cpu_us_per_request:11.1f} {ratio} {cpu}"
            )


if __name__ == "__main__":
    main()
