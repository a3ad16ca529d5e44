"""The Unleash Proxy (npm ``@unleash/proxy``, pinned in tests/sdk/node/package.json) in front of
Flagstaff, reaching it through HAProxy as docs/deploying.md describes: for the same context it
answers what Flagstaff's own Frontend API answers, and a change made in Flagstaff reaches it."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from flagstaff.http.context import AppContext
from tests.api.credentials.api_tokens.helpers import make_api_token
from tests.cluster.haproxy import haproxy, running_load_balancer, stop
from tests.multiprocess.servers import free_port
from tests.sdk.live import LiveServer, live_server, wait_for
from tests.sdk.node.driver import HERE as NODE_DIR
from tests.sdk.node.driver import node

pytestmark = pytest.mark.slow
PROJECT = "/api/admin/projects/default/features"
DEV = "environments/development"
PROXY_KEY = "proxy-client-key-for-the-test-0123456789"
PROXY_APP = "flagstaff-unleash-proxy-test"
START_TIMEOUT = 30.0

# Contexts as a browser would send them; region is a custom property. Each has a userId or a
# sessionId: without either, a variant is picked at random, by the proxy and by Flagstaff alike.
CONTEXTS = [
    {"sessionId": "anonymous-5"},
    {"userId": "1", "properties[region]": "eu-west"},
    {"userId": "2", "properties[region]": "us-east"},
    {"userId": "alice"},
    {"userId": "bob", "sessionId": "s-17", "properties[region]": "eu-north"},
    {"userId": "3", "properties[region]": "eu-west"},
]


def make_flags(server: LiveServer) -> None:
    """A rollout behind two constraints, a user list, variants with payloads (one pinned to a user
    by an override), a flag on with its strategy off, one off, one marked for impressions."""
    flags = ("px-rollout", "px-users", "px-variants", "px-disabled-strategy", "px-off")
    for name in flags:
        ok(server.admin.post(PROJECT, json={"name": name}))
    ok(server.admin.post(PROJECT, json={"name": "px-impressions", "impressionData": True}))
    strategies = f"{PROJECT}/{{}}/{DEV}/strategies"
    ok(
        server.admin.post(
            strategies.format("px-rollout"),
            json={
                "name": "flexibleRollout",
                "parameters": {"rollout": "100", "stickiness": "default", "groupId": "px"},
                "constraints": [
                    {"contextName": "userId", "operator": "IN", "values": ["1", "2", "3"]},
                    {"contextName": "region", "operator": "STR_STARTS_WITH", "values": ["eu-"]},
                ],
            },
        )
    )
    ok(
        server.admin.post(
            strategies.format("px-users"),
            json={"name": "userWithId", "parameters": {"userIds": "alice,bob"}},
        )
    )
    for name in ("px-variants", "px-off", "px-impressions"):
        ok(server.admin.post(strategies.format(name), json={"name": "default"}))
    ok(
        server.admin.post(
            strategies.format("px-disabled-strategy"), json={"name": "default", "disabled": True}
        )
    )
    ok(
        server.admin.put(
            # Variants on the development environment, the way Unleash 8 still takes them.
            f"{PROJECT}/px-variants/variants-batch",
            json={
                "environments": ["development"],
                "variants": [
                    {
                        "name": "red",
                        "weight": 500,
                        "weightType": "variable",
                        "stickiness": "default",
                        "payload": {"type": "json", "value": '{"color": "red"}'},
                        "overrides": [{"contextName": "userId", "values": ["alice"]}],
                    },
                    {
                        "name": "green",
                        "weight": 500,
                        "weightType": "variable",
                        "stickiness": "default",
                        "payload": {"type": "string", "value": "green"},
                    },
                ],
            },
        )
    )
    for name in ("px-rollout", "px-users", "px-variants", "px-disabled-strategy", "px-impressions"):
        ok(server.admin.post(f"{PROJECT}/{name}/{DEV}/on"))


def ok(response: httpx.Response) -> Any:
    assert response.status_code < 300, f"{response.request.url}: {response.text}"
    return response.json() if response.content else None


@dataclass
class UnleashProxy:
    url: str
    process: subprocess.Popen[bytes]
    log: Path

    def toggles(self, context: dict[str, str]) -> list[dict[str, Any]]:
        response = httpx.get(
            f"{self.url}/proxy", params=context, headers={"Authorization": PROXY_KEY}, timeout=10
        )
        assert response.status_code == 200, f"{response.status_code} {response.text}"
        return by_name(response.json()["toggles"])


@contextmanager
def running_unleash_proxy(
    upstream: str, client_token: str, workdir: Path
) -> Iterator[UnleashProxy]:
    port = free_port()
    log = workdir / "unleash-proxy.log"
    env = {
        "PATH": os.environ.get("PATH", ""),
        "UNLEASH_URL": f"{upstream}/api",
        "UNLEASH_API_TOKEN": client_token,
        "UNLEASH_PROXY_CLIENT_KEYS": PROXY_KEY,
        "UNLEASH_APP_NAME": PROXY_APP,
        "UNLEASH_FETCH_INTERVAL": "500",
        "PORT": str(port),
        "LOG_LEVEL": "warn",
    }
    start = NODE_DIR / "node_modules" / "@unleash" / "proxy" / "dist" / "start.js"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [node(), str(start)], env=env, cwd=NODE_DIR, stdout=output, stderr=subprocess.STDOUT
        )
    proxy = UnleashProxy(f"http://127.0.0.1:{port}", process, log)
    try:
        _wait_ready(proxy)
        yield proxy
    finally:
        stop(process)


def _wait_ready(proxy: UnleashProxy) -> None:
    """Until the proxy answers with flags: it refuses requests until its first fetch."""

    def ready() -> bool:
        if proxy.process.poll() is not None:
            raise RuntimeError(f"the Unleash Proxy exited: {proxy.log.read_text()}")
        try:
            response = httpx.get(
                f"{proxy.url}/proxy", headers={"Authorization": PROXY_KEY}, timeout=2
            )
        except httpx.TransportError:
            return False
        return response.status_code == 200

    wait_for(ready, timeout=START_TIMEOUT, what="the Unleash Proxy to fetch its flags")


def by_name(toggles: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(toggles, key=lambda toggle: str(toggle["name"]))


def frontend_toggles(
    server: LiveServer, token: str, context: dict[str, str]
) -> list[dict[str, Any]]:
    response = server.admin.get("/api/frontend", params=context, headers={"Authorization": token})
    assert response.status_code == 200, response.text
    return by_name(response.json()["toggles"])


@pytest.fixture
def server(context: AppContext) -> Iterator[LiveServer]:
    node()  # skipped (or failed, in CI) before any server starts when Node cannot run
    haproxy()
    with live_server(context, make_api_token(context, "admin", environment="*")) as live:
        make_flags(live)
        yield live


def test_unleash_proxy_through_haproxy__answers_as_the_frontend_api(
    server: LiveServer, tmp_path: Path
) -> None:
    def token(kind: str) -> str:
        body = {"tokenName": f"px-{kind}", "type": kind, "environment": "development"}
        secret: str = ok(server.admin.post("/api/admin/api-tokens", json=body))["secret"]
        return secret

    client_token, frontend_token = token("client"), token("frontend")
    port = int(server.url.rsplit(":", 1)[1])
    with (
        running_load_balancer([port], tmp_path) as balancer,
        running_unleash_proxy(balancer.url, client_token, tmp_path) as proxy,
    ):
        for context in CONTEXTS:
            expected = frontend_toggles(server, frontend_token, context)
            assert proxy.toggles(context) == expected, context
        print(f"the proxy answered as the Frontend API for {len(CONTEXTS)} contexts")
        variants = {
            t["variant"]["name"]
            for context in CONTEXTS
            for t in proxy.toggles(context)
            if t["name"] == "px-variants"
        }
        assert variants == {"red", "green"}  # the contexts do tell the variants apart

        ok(server.admin.post(f"{PROJECT}/px-off/{DEV}/on"))
        wait_for(
            lambda: "px-off" in {t["name"] for t in proxy.toggles({})},
            what="a flag switched on in Flagstaff to reach the proxy",
        )
        fetched = [e for e in balancer.entries() if e.app_name == PROXY_APP]
        assert any(e.path.startswith("/api/client/features") for e in fetched)
        for context in CONTEXTS:
            assert proxy.toggles(context) == frontend_toggles(server, frontend_token, context), (
                context
            )
