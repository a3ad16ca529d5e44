"""How long a failed login takes for each kind of name, side by side: a real user's wrong
password, an unknown name, a service account, a disabled user and a user without a password.
Login throttling must not let these be told apart by their timing (docs/login-throttling.md).

Run: .venv/bin/python bench/login_timing.py [rounds]
Starts one worker on SQLite (core 0) with the production password hashing, behind a trusted
proxy so that each try comes from an address of its own (no try is throttled), and sends the
kinds in turn, round after round and each round starting with the next kind, so that machine
load falls on all alike. Prints the median and the 10th and 90th percentiles of each kind, and
each median's distance from the real user's.
"""

from __future__ import annotations

import statistics
import sys
import time

import httpx
from _server import admin_client, server

PASSWORD = "Bench-User-Passw0rd!"  # noqa: S105 - a throwaway server's user
WRONG = "Wrong-Passw0rd!"


def setup(admin: httpx.Client) -> dict[str, str]:
    def user(username: str, password: str | None) -> int:
        body = {"username": username, "rootRole": "Viewer"}
        if password:
            body["password"] = password
        response = admin.post("/api/admin/user-admin", json=body)
        response.raise_for_status()
        user_id: int = response.json()["id"]
        return user_id

    user("real-user", PASSWORD)
    disabled = user("disabled-user", PASSWORD)
    admin.post(f"/api/admin/user-admin/{disabled}/disable").raise_for_status()
    user("no-password-user", None)
    admin.post(
        "/api/admin/service-account",
        json={"username": "service-bot", "name": "Bot", "rootRole": "Viewer"},
    ).raise_for_status()
    return {
        "real user, wrong password": "real-user",
        "unknown name": "no-such-user",
        "service account": "service-bot",
        "disabled user": "disabled-user",
        "user without a password": "no-password-user",
    }


def main() -> int:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    with server({"FLAGSTAFF_TRUST_PROXY_HEADERS": "true"}) as running:
        with admin_client(running.url) as admin:
            kinds = setup(admin)
        timings: dict[str, list[float]] = {kind: [] for kind in kinds}
        with httpx.Client(base_url=running.url, timeout=30) as client:
            order = list(kinds.items())
            for n in range(rounds):
                # Each round starts with the next kind: no kind always follows a pause.
                turn = order[n % len(order) :] + order[: n % len(order)]
                for index, (kind, name) in enumerate(turn):
                    address = f"10.{index}.{n // 250}.{n % 250}"
                    started = time.perf_counter()
                    response = client.post(
                        "/auth/simple/login",
                        json={"username": name, "password": WRONG},
                        headers={"X-Forwarded-For": address},
                    )
                    timings[kind].append((time.perf_counter() - started) * 1000)
                    assert response.status_code == 401, (kind, response.status_code)
    baseline = statistics.median(timings["real user, wrong password"])
    print(f"failed logins, {rounds} rounds, milliseconds (median, p10-p90, median - real user's)")
    for kind, values in timings.items():
        deciles = statistics.quantiles(values, n=10)
        median = statistics.median(values)
        print(
            f"{kind:28} {median:7.2f}   {deciles[0]:7.2f}-{deciles[-1]:7.2f}   "
            f"{median - baseline:+6.2f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
