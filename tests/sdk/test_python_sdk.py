"""The official Python SDK (UnleashClient, pinned in the test extra) against a live Flagstaff:
it registers, polls with ETags, evaluates flags made through the Admin API and sends metrics."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from UnleashClient import UnleashClient
from UnleashClient.utils import InstanceAllowType

from flagstaff.http.context import AppContext
from tests.api.credentials.api_tokens.helpers import make_api_token
from tests.sdk.live import LiveServer, live_server, wait_for

FEATURES = "/api/client/features"
PROJECT = "/api/admin/projects/default/features"


@pytest.fixture
def server(context: AppContext) -> Iterator[LiveServer]:
    with live_server(context, make_api_token(context, "admin", environment="*")) as live:
        yield live


def admin(server: LiveServer, method: str, path: str, body: Any = None) -> Any:
    response = server.admin.request(method, path, json=body)
    assert response.status_code < 300, f"{method} {path}: {response.status_code} {response.text}"
    return response.json() if response.content else None


def make_flags(server: LiveServer) -> None:
    admin(server, "POST", PROJECT, {"name": "sdk-rollout", "impressionData": True})
    admin(
        server,
        "POST",
        f"{PROJECT}/sdk-rollout/environments/development/strategies",
        {
            "name": "flexibleRollout",
            "parameters": {"rollout": "100", "stickiness": "default", "groupId": "sdk-rollout"},
            "constraints": [{"contextName": "userId", "operator": "IN", "values": ["1", "2"]}],
            "variants": [
                {
                    "name": "blue",
                    "weight": 1000,
                    "weightType": "variable",
                    "stickiness": "default",
                    "payload": {"type": "string", "value": "sky"},
                }
            ],
        },
    )
    admin(server, "POST", f"{PROJECT}/sdk-rollout/environments/development/on")
    admin(server, "POST", PROJECT, {"name": "sdk-off"})


@pytest.fixture
def sdk(server: LiveServer, context: AppContext, tmp_path: Path) -> Iterator[UnleashClient]:
    make_flags(server)
    token = admin(
        server,
        "POST",
        "/api/admin/api-tokens",
        {"tokenName": "python-sdk", "type": "backend", "environment": "development"},
    )["secret"]
    client = UnleashClient(
        url=f"{server.url}/api",
        app_name="flagstaff-sdk-test",
        instance_id="sdk-test-1",
        custom_headers={"Authorization": token},
        refresh_interval=1,
        metrics_interval=1,
        cache_directory=str(tmp_path / "sdk-cache"),
        multiple_instance_mode=InstanceAllowType.SILENTLY_ALLOW,
    )
    client.initialize_client()
    try:
        yield client
    finally:
        client.destroy()


def test_python_sdk__initialize__registers_and_fetches(
    server: LiveServer, sdk: UnleashClient
) -> None:
    assert [e.status for e in server.recorder.seen("POST", "/api/client/register")] == [202]
    wait_for(lambda: server.recorder.seen("GET", FEATURES), what="the first fetch")
    assert server.recorder.seen("GET", FEATURES)[0].status == 200


def test_python_sdk__flags_from_admin_api__evaluated(
    server: LiveServer, sdk: UnleashClient
) -> None:
    wait_for(lambda: sdk.is_enabled("sdk-rollout", {"userId": "1"}), what="flags")
    assert not sdk.is_enabled("sdk-rollout", {"userId": "3"})
    assert not sdk.is_enabled("sdk-off", {"userId": "1"})
    variant = sdk.get_variant("sdk-rollout", {"userId": "2"})
    assert variant["name"] == "blue"
    assert variant["payload"] == {"type": "string", "value": "sky"}
    assert variant["feature_enabled"] is True


def test_python_sdk__poll__304_unchanged_then_200_after_change(
    server: LiveServer, sdk: UnleashClient
) -> None:
    def polls() -> list[int]:
        return [e.status for e in server.recorder.seen("GET", FEATURES)]

    wait_for(lambda: 304 in polls(), what="a 304 poll")
    assert all(e.if_none_match for e in server.recorder.seen("GET", FEATURES)[1:])
    assert sdk.is_enabled("sdk-rollout", {"userId": "1"})
    before = len(polls())
    admin(server, "POST", f"{PROJECT}/sdk-rollout/environments/development/off")
    wait_for(lambda: not sdk.is_enabled("sdk-rollout", {"userId": "1"}), what="the change")
    assert 200 in polls()[before:]


def test_python_sdk__metrics__sent_202_and_counted(
    server: LiveServer, sdk: UnleashClient, context: AppContext
) -> None:
    from flagstaff.applications.state import metrics_buffer

    wait_for(lambda: sdk.is_enabled("sdk-rollout", {"userId": "1"}), what="flags")
    for _ in range(4):
        sdk.is_enabled("sdk-rollout", {"userId": "1"})
    sdk.is_enabled("sdk-rollout", {"userId": "9"})

    def counted() -> bool:
        metrics_buffer(context).flush()
        data = admin(server, "GET", "/api/admin/client-metrics/features/sdk-rollout/raw")["data"]
        return sum(d["yes"] for d in data) >= 5 and sum(d["no"] for d in data) >= 1

    wait_for(counted, what="metrics to arrive")
    statuses = {e.status for e in server.recorder.seen("POST", "/api/client/metrics")}
    assert statuses == {202}
