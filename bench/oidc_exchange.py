"""What one OIDC token exchange costs with the issuer's keys cached, beside a baseline from the
same run: an admin creating a service-account token through the Admin API (the same token row,
event and revision bump, without the ID token's checks).

Run: .venv/bin/python bench/oidc_exchange.py [rounds]
Starts one worker on SQLite (core 0) that allows loopback issuers, runs a real issuer in this
process (tests/oidc_issuer.py: discovery, JWKS, RS256 and ES256 keys), signs every ID token
beforehand (each has its own jti) and sends, one request at a time, an RS256 exchange, an ES256
exchange and an admin token creation in turn, round after round. The first exchange fetched the
keys; every measured one finds them cached. Prints requests per second (1 / mean latency, one
client) and the median and p99 latency of each.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

import httpx
from _server import admin_client, server

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tests.oidc_issuer import AUDIENCE, IssuerServer

GRANT_TYPE = "urn:ietf:params:oauth:grant-type:token-exchange"
ID_TOKEN = "urn:ietf:params:oauth:token-type:id_token"  # noqa: S105 - a URN


def main() -> int:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 300
    issuers = IssuerServer()
    issuer = issuers.issuer("bench")
    env = {
        "FLAGSTAFF_OIDC_ALLOW_LOOPBACK_HTTP": "true",
        "FLAGSTAFF_OIDC_EXCHANGES_PER_MINUTE": "1000000",
        "FLAGSTAFF_MAX_TOKENS_PER_ACCOUNT": "1000000",
    }
    signed = {
        algorithm: [issuer.sign(algorithm=algorithm) for _ in range(rounds + 1)]
        for algorithm in ("RS256", "ES256")
    }
    timings: dict[str, list[float]] = {
        "exchange, RS256 ID token": [],
        "exchange, ES256 ID token": [],
        "baseline: admin creates a token": [],
    }
    try:
        with server(env) as running, admin_client(running.url) as admin:
            account = admin.post(
                "/api/admin/service-account",
                json={"username": "service-ci", "name": "CI", "rootRole": "Editor"},
            ).json()
            admin.post(
                f"/api/admin/service-account/{account['id']}/trust-policies",
                json={
                    "name": "main",
                    "issuer": issuer.url,
                    "audience": AUDIENCE,
                    "conditions": {"repository": "acme/shop", "ref": "refs/heads/*"},
                },
            ).raise_for_status()
            with httpx.Client(base_url=running.url, timeout=30) as client:

                def exchange(token: str) -> None:
                    form = {
                        "grant_type": GRANT_TYPE,
                        "subject_token": token,
                        "subject_token_type": ID_TOKEN,
                    }
                    response = client.post("/api/auth/oidc/token", data=form)
                    assert response.status_code == 200, response.text

                def create(description: str) -> None:
                    response = admin.post(
                        f"/api/admin/service-account/{account['id']}/token",
                        json={"description": description, "expiresAt": "2099-01-01T00:00:00Z"},
                    )
                    assert response.status_code == 201, response.text

                exchange(signed["RS256"].pop())  # fetches the keys: not measured
                for n in range(rounds):
                    steps = [
                        ("exchange, RS256 ID token", exchange, signed["RS256"][n]),
                        ("exchange, ES256 ID token", exchange, signed["ES256"][n]),
                        ("baseline: admin creates a token", create, f"bench {n}"),
                    ]
                    turn = steps[n % 3 :] + steps[: n % 3]
                    for label, step, argument in turn:
                        started = time.perf_counter()
                        step(argument)
                        timings[label].append((time.perf_counter() - started) * 1000)
    finally:
        issuers.close()
    print(f"{rounds} rounds, one request at a time; keys fetched {issuer.fetches} time(s)")
    print(f"{'':34} {'req/s':>8} {'median ms':>10} {'p99 ms':>8}")
    for label, values in timings.items():
        p99 = statistics.quantiles(values, n=100)[98]
        rate = 1000 / statistics.fmean(values)
        print(f"{label:34} {rate:8.0f} {statistics.median(values):10.2f} {p99:8.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
