"""Admin API reads authenticated by a service-account token, against baselines in the same run.

Run: .venv/bin/python bench/admin_api_reads.py [seconds]
Starts one worker on SQLite (core 0), loads wrk on core 1, and prints req/s and p99 for
GET /health (no authentication: the floor of the stack), GET /api/admin/user and
GET /api/admin/projects/default/features/{name} with a service-account token, the same read with
a session cookie, with a scoped token (read-only, limited to the project), and with an unknown
token (negatively cached 401s). Targets: >= 2,000 req/s for the feature read with a
service-account token, and the scoped token within 10 % of the unscoped one.
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime, timedelta

from _server import admin_client, server, wrk

FLAG = "bench-flag"


def main() -> int:
    seconds = int(sys.argv[1]) if len(sys.argv) > 1 else 10
    with server() as running, admin_client(running.url) as admin:
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
        feature = f"{running.url}/api/admin/projects/default/features/{FLAG}"
        results = {
            "baseline: GET /health (no auth)": wrk(f"{running.url}/health", seconds=seconds),
            "GET /api/admin/user, service-account token": wrk(
                f"{running.url}/api/admin/user", headers={"Authorization": token}, seconds=seconds
            ),
            "GET feature, service-account token": wrk(
                feature, headers={"Authorization": token}, seconds=seconds
            ),
            "GET feature, scoped token (read, one project)": wrk(
                feature, headers={"Authorization": scoped}, seconds=seconds
            ),
            "GET feature, session cookie": wrk(
                feature, headers={"Cookie": cookie}, seconds=seconds
            ),
            "GET feature, unknown token (401)": wrk(
                feature,
                headers={"Authorization": "user:fsa_0000000000000000000000000000000000000a"},
                seconds=seconds,
            ),
        }
        rss = running.rss_mb()
    floor = results["baseline: GET /health (no auth)"].requests_per_second
    for label, result in results.items():
        print(f"{result.line(label)}   {result.requests_per_second / floor:5.2f}x of /health")
    print(f"server RSS after the run: {rss:.0f} MB")
    target = results["GET feature, service-account token"].requests_per_second
    verdict = "met" if target >= 2000 else "NOT met"
    print(f"target >= 2,000 req/s with a service-account token: {verdict}")
    scoped_rate = results["GET feature, scoped token (read, one project)"].requests_per_second
    ratio = scoped_rate / target
    verdict = "met" if ratio >= 0.9 else "NOT met"
    print(f"scoped token at {ratio:.2f}x the unscoped one (target >= 0.90): {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
