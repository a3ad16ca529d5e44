"""The official Node SDK (``unleash-client``) in its two newer modes against a live Flagstaff:
streaming (``experimentalMode: {type: 'streaming'}``, server-sent events on
``/api/client/streaming``) and delta polling (``{type: 'polling', format: 'delta'}`` on
``/api/client/delta``). A flag switched through the Admin API must reach the SDK; the time it
took is printed (a figure for the reader, not asserted: the machine may be busy)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest

from flagstaff.http.context import AppContext
from tests.api.credentials.api_tokens.helpers import make_api_token
from tests.sdk.live import LiveServer, live_server
from tests.sdk.node.driver import NodeSdk, node

PROJECT = "/api/admin/projects/default/features"
STREAMING = {"type": "streaming"}
DELTA = {"type": "polling", "format": "delta"}


@pytest.fixture
def server(context: AppContext) -> Iterator[LiveServer]:
    node()
    with live_server(context, make_api_token(context, "admin", environment="*")) as live:
        for name in ("live-a", "live-b"):
            admin(live, "POST", PROJECT, {"name": name})
            admin(
                live,
                "POST",
                f"{PROJECT}/{name}/environments/development/strategies",
                {"name": "default"},
            )
        admin(live, "POST", f"{PROJECT}/live-a/environments/development/on")
        yield live


def admin(server: LiveServer, method: str, path: str, body: Any = None) -> Any:
    response = server.admin.request(method, path, json=body)
    assert response.status_code < 300, f"{method} {path}: {response.status_code} {response.text}"
    return response.json() if response.content else None


@pytest.fixture
def token(server: LiveServer) -> str:
    body = {"tokenName": "node-live", "type": "client", "environment": "development"}
    secret: str = admin(server, "POST", "/api/admin/api-tokens", body)["secret"]
    return secret


def start(server: LiveServer, token: str, mode: dict[str, str], refresh: int) -> NodeSdk:
    sdk = NodeSdk(
        "client.mjs",
        {
            "url": f"{server.url}/api",
            "token": token,
            "appName": "flagstaff-node-live",
            "instanceId": "node-live-1",
            "refreshInterval": refresh,
            "metricsInterval": 60_000,
            "mode": mode,
        },
    )
    sdk.wait_for_event("synchronized")
    return sdk


def switch_and_time(server: LiveServer, sdk: NodeSdk, name: str, on: bool) -> float:
    """Switches ``name`` through the Admin API; the seconds until the SDK evaluates it so."""
    changes = len(sdk.named("changed"))
    started = time.monotonic()
    admin(server, "POST", f"{PROJECT}/{name}/environments/development/{'on' if on else 'off'}")
    deadline = started + 15
    while time.monotonic() < deadline:
        sdk.wait_for_event("changed", changes + 1, timeout=deadline - time.monotonic())
        changes += 1
        if sdk.call("isEnabled", name, {}) is on:
            return time.monotonic() - started
    raise AssertionError(f"the SDK never saw {name} switched {'on' if on else 'off'}")


def test_streaming_mode__flag_switched__sdk_sees_it(server: LiveServer, token: str) -> None:
    sdk = start(server, token, STREAMING, refresh=60_000)  # polling would take a minute
    try:
        assert sdk.call("mode") == "streaming"
        assert sdk.call("isEnabled", "live-a", {}) is True
        assert sdk.call("isEnabled", "live-b", {}) is False
        latencies = [
            switch_and_time(server, sdk, "live-b", True),
            switch_and_time(server, sdk, "live-a", False),
            switch_and_time(server, sdk, "live-b", False),
        ]
        print(
            "\nstreaming: Admin API switch to SDK evaluation in "
            + ", ".join(f"{1000 * s:.0f} ms" for s in latencies)
        )
        admin(server, "DELETE", f"{PROJECT}/live-a")
        switch_and_time(server, sdk, "live-b", True)
        assert sdk.call("flags") == ["live-b"]
        assert sdk.named("error") == []
        assert sdk.call("mode") == "streaming"  # never fell back to polling
        assert [e.status for e in server.recorder.seen("GET", "/api/client/streaming")] == [200]
        assert server.recorder.seen("GET", "/api/client/features") == []
    finally:
        sdk.close()


def test_streaming_mode__token_revoked__sdk_falls_back_and_is_refused(
    server: LiveServer, token: str
) -> None:
    sdk = start(server, token, STREAMING, refresh=200)
    try:
        server.admin.delete(f"/api/admin/api-tokens/{token}")
        # The stream is ended, the SDK's reconnection gets 401, it falls back to polling,
        # and polling is refused too: it stops, keeping the flags it had.
        sdk.wait_for_event("error", timeout=15)
        statuses = [e.status for e in server.recorder.seen("GET", "/api/client/streaming")]
        assert statuses == [200, 401]
        assert [e.status for e in server.recorder.seen("GET", "/api/client/features")] == [401]
        assert sdk.call("mode") == "polling"
        assert sdk.call("isEnabled", "live-a", {}) is True
    finally:
        sdk.close()


def test_delta_mode__flag_switched__sdk_sees_it(server: LiveServer, token: str) -> None:
    sdk = start(server, token, DELTA, refresh=100)
    try:
        assert sdk.call("isEnabled", "live-a", {}) is True
        sdk.wait_for_event("unchanged")  # its next poll: 304 for the revision it holds
        latency = switch_and_time(server, sdk, "live-b", True)
        print(f"\ndelta polling (every 100 ms): switch seen in {1000 * latency:.0f} ms")
        admin(server, "DELETE", f"{PROJECT}/live-a")
        switch_and_time(server, sdk, "live-b", False)
        assert sdk.call("flags") == ["live-b"]
        assert sdk.named("error") == []
        exchanges = server.recorder.seen("GET", "/api/client/delta")
        assert {e.status for e in exchanges} == {200, 304}
        assert all(e.if_none_match for e in exchanges[1:])
        assert server.recorder.seen("GET", "/api/client/features") == []
    finally:
        sdk.close()
