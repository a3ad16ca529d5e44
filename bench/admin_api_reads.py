"""Admin API reads authenticated by a service-account token, against baselines in the same run.

Run: .venv/bin/python bench/admin_api_reads.py [seconds]
Starts one worker on SQLite (core 0), loads wrk on core 1, and prints req/s and p99 for
GET /health (no authentication: the floor of the stack), GET /api/admin/user and
GET /api/admin/projects/default/features/{name} with a service-account token, the same read with
a session cookie, with a scoped token (read-only, limited to the project), and with an unknown
token (negatively cached 401s). Targets: >= 2,000 req/s for the feature read with a
service-account token, and the scoped token within 10 % of the unscoped one. Everything twice,
on two servers at once: as ``flagstaff serve`` starts (access log on) and with logging off.
"""

from __future__ import annotations

import os
import sys
from datetime import UTC, datetime, timedelta

from _server import LOGGING_OFF, WrkResult, admin_client, server, wrk

FLAG = "bench-flag"


def scenarios(url: str) -> dict[str, tuple[str, dict[str, str]]]:
    """Makes the account, its tokens and the flag; the URL and headers of each scenario."""
    with admin_client(url) as admin:
        account = admin.post(
            "/api/admin/service-account",
            json={"username": "service-bench", "name": "Bench", "rootRole": "Viewer"},
        ).json()
        expires = (datetime.now(UTC) + timedelta(days=1)).isoformat()
        token = admin.post(
            f"/api/admin/service-account/{account['id']}/token",
            json={"description": "bench", "expiresAt": expires},
        ).json()["secret"]
        scoped = admin.post(
            f"/api/admin/service-account/{account['id']}/token",
            json={
                "description": "bench scoped",
                "expiresAt": expires,
                "scopes": {"permissions": "read", "projects": ["default"]},
            },
        ).json()["secret"]
        admin.post("/api/admin/projects/default/features", json={"name": FLAG}).raise_for_status()
        cookie = "flagstaff-session=" + admin.cookies["flagstaff-session"]
    feature = f"{url}/api/admin/projects/default/features/{FLAG}"
    return {
        BASELINE: (f"{url}/health", {}),
        "GET /api/admin/user, service-account token": (
            f"{url}/api/admin/user",
            {"Authorization": token},
        ),
        TARGET: (feature, {"Authorization": token}),
        SCOPED: (feature, {"Authorization": scoped}),
        "GET feature, session cookie": (feature, {"Cookie": cookie}),
        "GET feature, unknown token (401)": (
            feature,
            {"Authorization": "user:fsa_0000000000000000000000000000000000000a"},
        ),
    }


BASELINE = "baseline: GET /health (no auth)"
TARGET = "GET feature, service-account token"
SCOPED = "GET feature, scoped token (read, one project)"


def main() -> int:
    seconds = int(sys.argv[1]) if len(sys.argv) > 1 else 10
    print(f"load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    # Both servers run at once and each scenario is measured on one, then the other, so the
    # machine's other load weighs on both alike.
    with server() as default, server(LOGGING_OFF) as quiet:
        plans = {"default": scenarios(default.url), "logging off": scenarios(quiet.url)}
        results: dict[str, dict[str, WrkResult]] = {"default": {}, "logging off": {}}
        for label in plans["default"]:
            for name, plan in plans.items():
                url, headers = plan[label]
                results[name][label] = wrk(url, headers=headers, seconds=seconds)
        rss = {"default": default.rss_mb(), "logging off": quiet.rss_mb()}
    for name, measured in results.items():
        floor = measured[BASELINE].requests_per_second
        print(f"\n== {name} (server RSS after the run: {rss[name]:.0f} MB)")
        for label, result in measured.items():
            print(f"{result.line(label)}   {result.requests_per_second / floor:5.2f}x of /health")
    print(f"\n{'scenario':48} {'default':>10} {'log off':>10} {'ratio':>6}")
    for label, result in results["default"].items():
        off = results["logging off"][label].requests_per_second
        print(
            f"{label:48} {result.requests_per_second:10.0f} {off:10.0f}"
            f" {result.requests_per_second / off:6.2f}"
        )
    target = results["default"][TARGET].requests_per_second
    verdict = "met" if target >= 2000 else "NOT met"
    print(f"target >= 2,000 req/s with a service-account token (default): {verdict}")
    ratio = results["default"][SCOPED].requests_per_second / target
    verdict = "met" if ratio >= 0.9 else "NOT met"
    print(f"scoped token at {ratio:.2f}x the unscoped one (target >= 0.90): {verdict}")
    print(f"load average after: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    return 0


if __name__ == "__main__":
    sys.exit(main())
