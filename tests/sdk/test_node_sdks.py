"""The official JavaScript SDKs (pinned in tests/sdk/node/package.json) against a live Flagstaff,
as an integrating developer would use them: ``unleash-client`` (Node server SDK) on the Client
API with a client token, ``unleash-proxy-client`` (browser SDK) on the Frontend API with a
frontend token. Flags are made through the Admin API; what the SDKs send is checked on the
server's side too (status codes on the wire, metrics in the Admin API, registrations stored)."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from sqlalchemy import select

from flagstaff.applications.models import ClientInstance
from flagstaff.applications.state import metrics_buffer
from flagstaff.http.context import AppContext
from tests.api.credentials.api_tokens.helpers import make_api_token
from tests.sdk.live import LiveServer, live_server, wait_for
from tests.sdk.node.driver import NodeSdk, node

FEATURES = "/api/client/features"
FRONTEND = "/api/frontend"
PROJECT = "/api/admin/projects/default/features"
DEV = "environments/development"
APP = "flagstaff-node-test"
DISABLED = {"name": "disabled", "enabled": False, "feature_enabled": False}
RED = {"type": "json", "value": '{"color": "red"}'}
GREEN = {"type": "string", "value": "green"}


@pytest.fixture
def server(context: AppContext) -> Iterator[LiveServer]:
    node()  # skipped (or failed, in CI) before any server starts when Node cannot run
    with live_server(context, make_api_token(context, "admin", environment="*")) as live:
        make_flags(live)
        yield live


def admin(server: LiveServer, method: str, path: str, body: Any = None) -> Any:
    response = server.admin.request(method, path, json=body)
    assert response.status_code < 300, f"{method} {path}: {response.status_code} {response.text}"
    return response.json() if response.content else None


def make_flags(server: LiveServer) -> None:
    """A flexible rollout behind two constraints, a user list, a flag with variants (one pinned
    to a user by an override), and a flag with a strategy that is switched off."""
    for name in ("node-rollout", "node-users", "node-variants", "node-off"):
        admin(server, "POST", PROJECT, {"name": name})
    strategy = f"{PROJECT}/{{}}/{DEV}/strategies"
    admin(
        server,
        "POST",
        strategy.format("node-rollout"),
        {
            "name": "flexibleRollout",
            "parameters": {"rollout": "100", "stickiness": "default", "groupId": "node-rollout"},
            "constraints": [
                {"contextName": "userId", "operator": "IN", "values": ["1", "2"]},
                {"contextName": "region", "operator": "STR_STARTS_WITH", "values": ["eu-"]},
            ],
        },
    )
    admin(
        server,
        "POST",
        strategy.format("node-users"),
        {"name": "userWithId", "parameters": {"userIds": "alice,bob"}},
    )
    admin(server, "POST", strategy.format("node-variants"), {"name": "default"})
    admin(
        server,
        "PUT",
        # Variants on the development environment, the way Unleash 8 still takes them.
        f"{PROJECT}/node-variants/variants-batch",
        {
            "environments": ["development"],
            "variants": [
                {
                    "name": "red",
                    "weight": 500,
                    "weightType": "variable",
                    "stickiness": "userId",
                    "payload": RED,
                    "overrides": [{"contextName": "userId", "values": ["alice"]}],
                },
                {
                    "name": "green",
                    "weight": 500,
                    "weightType": "variable",
                    "stickiness": "userId",
                    "payload": GREEN,
                },
            ],
        },
    )
    admin(server, "POST", strategy.format("node-off"), {"name": "default"})
    for name in ("node-rollout", "node-users", "node-variants"):
        admin(server, "POST", f"{PROJECT}/{name}/{DEV}/on")


def api_token(server: LiveServer, kind: str) -> str:
    body = {"tokenName": f"node-{kind}", "type": kind, "environment": "development"}
    secret: str = admin(server, "POST", "/api/admin/api-tokens", body)["secret"]
    return secret


def frontend_variant(server: LiveServer, token: str, user_id: str) -> dict[str, Any]:
    """What the server itself answers for ``node-variants`` (the Frontend API evaluates)."""
    response = server.admin.post(
        FRONTEND, json={"context": {"userId": user_id}}, headers={"Authorization": token}
    )
    assert response.status_code == 200, response.text
    (toggle,) = [t for t in response.json()["toggles"] if t["name"] == "node-variants"]
    variant: dict[str, Any] = toggle["variant"]
    return variant


def statuses(server: LiveServer, method: str, path: str) -> list[int]:
    return [e.status for e in server.recorder.seen(method, path)]


def raw_metrics(server: LiveServer, flag: str, app: str) -> list[dict[str, Any]]:
    data = admin(server, "GET", f"/api/admin/client-metrics/features/{flag}/raw")["data"]
    return [d for d in data if d["appName"] == app]


def counted(server: LiveServer, flag: str, app: str, yes: int, no: int) -> Callable[[], bool]:
    def check() -> bool:
        rows = raw_metrics(server, flag, app)
        return (sum(r["yes"] for r in rows), sum(r["no"] for r in rows)) == (yes, no)

    return check


# --- unleash-client: the Node server SDK on /api/client ---------------------------------------


def start_client(server: LiveServer, token: str, **options: Any) -> NodeSdk:
    return NodeSdk(
        "client.mjs",
        {
            "url": f"{server.url}/api",
            "token": token,
            "appName": APP,
            "instanceId": "node-1",
            "refreshInterval": 200,
            "metricsInterval": 300,
            **options,
        },
    )


@pytest.fixture
def client_sdk(server: LiveServer) -> Iterator[NodeSdk]:
    sdk = start_client(server, api_token(server, "client"))
    try:
        sdk.wait_for_event("synchronized")
        yield sdk
    finally:
        sdk.close()


def test_unleash_client__start__registers_and_synchronizes(
    server: LiveServer, client_sdk: NodeSdk, context: AppContext
) -> None:
    client_sdk.wait_for_event("ready")
    registered = client_sdk.wait_for_event("registered")["payload"]
    assert registered["appName"] == APP
    assert statuses(server, "POST", "/api/client/register") == [202]
    assert statuses(server, "GET", FEATURES)[0] == 200
    assert client_sdk.named("error") == []
    metrics_buffer(context).flush()
    with context.database.session(write=False) as session:
        (instance,) = session.scalars(select(ClientInstance)).all()
    assert (instance.app_name, instance.instance_id, instance.environment) == (
        APP,
        "node-1",
        "development",
    )
    assert (instance.sdk_version or "").startswith("unleash-node-sdk:")
    assert "flexibleRollout" in instance.strategies


def test_unleash_client__flags_from_admin_api__evaluated(client_sdk: NodeSdk) -> None:
    assert sorted(client_sdk.call("flags")) == [
        "node-off",
        "node-rollout",
        "node-users",
        "node-variants",
    ]

    def enabled(name: str, context: dict[str, Any]) -> bool:
        answer: bool = client_sdk.call("isEnabled", name, context)
        return answer

    def variant(name: str, context: dict[str, Any]) -> dict[str, Any]:
        answer: dict[str, Any] = client_sdk.call("getVariant", name, context)
        return answer

    eu = {"properties": {"region": "eu-west"}}
    assert enabled("node-rollout", {"userId": "1", **eu})
    assert enabled("node-rollout", {"userId": "2", **eu})
    assert not enabled("node-rollout", {"userId": "3", **eu})
    assert not enabled("node-rollout", {"userId": "1", "properties": {"region": "us-east"}})
    assert not enabled("node-rollout", {"userId": "1"})
    assert enabled("node-users", {"userId": "bob"})
    assert not enabled("node-users", {"userId": "carol"})
    assert not enabled("node-users", {})
    assert not enabled("node-off", {"userId": "alice"})
    assert not enabled("no-such-flag", {})

    assert variant("node-variants", {"userId": "alice"}) == {
        "name": "red",
        "enabled": True,
        "payload": RED,
        "feature_enabled": True,
        "featureEnabled": True,
    }
    picked = {variant("node-variants", {"userId": f"user-{i}"})["name"] for i in range(40)}
    assert picked == {"red", "green"}
    assert variant("node-off", {"userId": "alice"}) == {**DISABLED, "featureEnabled": False}
    assert variant("node-users", {"userId": "bob"}) == {
        "name": "disabled",
        "enabled": False,
        "feature_enabled": True,
        "featureEnabled": True,
    }


def test_unleash_client__variants__same_as_server_evaluation(
    server: LiveServer, client_sdk: NodeSdk
) -> None:
    frontend_token = api_token(server, "frontend")
    for user in ("alice", "bob", "carol", "dave", "user-7", "user-8", "1234"):
        by_node = client_sdk.call("getVariant", "node-variants", {"userId": user})
        by_server = frontend_variant(server, frontend_token, user)
        assert (by_node["name"], by_node["payload"]) == (by_server["name"], by_server["payload"])


def test_unleash_client__admin_change__seen_after_next_poll(
    server: LiveServer, client_sdk: NodeSdk
) -> None:
    client_sdk.wait_for_event("unchanged")  # a poll answered 304
    polls = server.recorder.seen("GET", FEATURES)
    assert 304 in [p.status for p in polls]
    assert all(p.if_none_match for p in polls[1:])
    assert client_sdk.call("isEnabled", "node-users", {"userId": "carol"}) is False
    before = len(polls)

    admin(
        server,
        "PUT",
        f"{PROJECT}/node-users/{DEV}/strategies/{strategy_id(server, 'node-users')}",
        {"name": "userWithId", "parameters": {"userIds": "alice,bob,carol"}},
    )
    wait_for(
        lambda: client_sdk.call("isEnabled", "node-users", {"userId": "carol"}),
        what="the SDK to see carol added",
    )
    assert statuses(server, "GET", FEATURES)[before:].count(200) == 1
    admin(server, "POST", f"{PROJECT}/node-variants/{DEV}/off")
    wait_for(
        lambda: (
            client_sdk.call("getVariant", "node-variants", {"userId": "alice"})["name"]
            == "disabled"
        ),
        what="the SDK to see node-variants off",
    )
    assert statuses(server, "GET", FEATURES)[before:].count(200) == 2
    assert len(client_sdk.named("changed")) == 3  # one per 200: a 304 changes nothing


def strategy_id(server: LiveServer, flag: str) -> str:
    (strategy,) = admin(server, "GET", f"{PROJECT}/{flag}/{DEV}/strategies")
    identifier: str = strategy["id"]
    return identifier


def test_unleash_client__metrics__sent_and_counted(server: LiveServer, client_sdk: NodeSdk) -> None:
    for user in ("1", "2", "1", "9"):
        context = {"userId": user, "properties": {"region": "eu-1"}}
        client_sdk.call("isEnabled", "node-rollout", context)
    client_sdk.call("getVariant", "node-variants", {"userId": "alice"})
    client_sdk.call("getVariant", "node-variants", {"userId": "alice"})
    client_sdk.wait_for_event("sent")

    wait_for(counted(server, "node-rollout", APP, yes=3, no=1), what="node-rollout's counts")
    wait_for(counted(server, "node-variants", APP, yes=2, no=0), what="node-variants' counts")
    (row,) = raw_metrics(server, "node-variants", APP)
    assert row["variants"] == {"red": 2}
    assert row["environment"] == "development"
    assert set(statuses(server, "POST", "/api/client/metrics")) == {202}
    sent = [e["payload"]["bucket"]["toggles"] for e in client_sdk.named("sent")]
    assert sum(t.get("node-rollout", {}).get("yes", 0) for t in sent) == 3


@pytest.mark.parametrize(
    ("token", "status"),
    [
        pytest.param(lambda s: "default:development.0123456789abcdef0123", 401, id="unknown"),
        pytest.param(lambda s: "not a token at all", 401, id="malformed"),
        pytest.param(lambda s: api_token(s, "frontend"), 403, id="frontend-token"),
    ],
)
def test_unleash_client__wrong_token__sdk_reports_error(
    server: LiveServer, token: Callable[[LiveServer], str], status: int
) -> None:
    sdk = start_client(server, token(server))
    try:
        error = sdk.wait_for_event("error")
        assert f"responded {status}" in error["message"]
        assert "not allowed to connect" in error["message"]
        wait_for(lambda: statuses(server, "POST", "/api/client/register") == [status])
        time.sleep(0.5)  # over two refresh intervals: a 401 or 403 stops the SDK's polling
        assert statuses(server, "GET", FEATURES) == [status]
        assert sdk.named("synchronized") == []
        assert sdk.call("isEnabled", "node-users", {"userId": "bob"}) is False
    finally:
        sdk.close()


# --- unleash-proxy-client: the browser SDK on /api/frontend -----------------------------------


def start_frontend(server: LiveServer, token: str, **options: Any) -> NodeSdk:
    return NodeSdk(
        "frontend.mjs",
        {
            "url": f"{server.url}{FRONTEND}",
            "token": token,
            "appName": f"{APP}-web",
            "refreshInterval": 0.3,
            "metricsInterval": 0.3,
            "context": {"userId": "carol"},
            **options,
        },
    )


@pytest.fixture
def frontend_sdk(server: LiveServer) -> Iterator[NodeSdk]:
    sdk = start_frontend(server, api_token(server, "frontend"))
    try:
        sdk.call("start")
        yield sdk
    finally:
        sdk.close()


def test_proxy_client__start__fetches_and_evaluates(
    server: LiveServer, frontend_sdk: NodeSdk
) -> None:
    assert frontend_sdk.named("ready")
    assert frontend_sdk.named("error") == []
    assert statuses(server, "GET", FRONTEND)[0] == 200
    assert frontend_sdk.call("isEnabled", "node-users") is False  # carol is not on the list
    assert frontend_sdk.call("isEnabled", "node-rollout") is False
    assert frontend_sdk.call("isEnabled", "node-off") is False
    assert frontend_sdk.call("isEnabled", "node-variants") is True
    variant = frontend_sdk.call("getVariant", "node-variants")
    assert variant["enabled"] is True
    assert variant["feature_enabled"] is True
    assert (variant["name"], variant["payload"]) in [("red", RED), ("green", GREEN)]
    assert frontend_sdk.call("getVariant", "node-off") == DISABLED


def test_proxy_client__update_context__changes_answer(
    server: LiveServer, frontend_sdk: NodeSdk
) -> None:
    assert frontend_sdk.call("isEnabled", "node-users") is False
    frontend_sdk.call("updateContext", {"userId": "alice"})
    assert frontend_sdk.call("isEnabled", "node-users") is True
    variant = frontend_sdk.call("getVariant", "node-variants")
    assert (variant["name"], variant["payload"]) == ("red", RED)  # alice's override
    frontend_sdk.call("updateContext", {"userId": "1", "properties": {"region": "eu-north"}})
    assert frontend_sdk.call("isEnabled", "node-rollout") is True
    assert frontend_sdk.call("isEnabled", "node-users") is False


def test_proxy_client__refresh__etag_304_then_200_after_change(
    server: LiveServer, frontend_sdk: NodeSdk
) -> None:
    def refreshes() -> list[tuple[int, bool]]:
        return [(e.status, e.if_none_match) for e in server.recorder.seen("GET", FRONTEND)]

    wait_for(lambda: (304, True) in refreshes(), what="a 304 refresh")
    assert refreshes()[0] == (200, False)
    assert len(frontend_sdk.named("update")) == 1  # a 304 is no update
    admin(server, "POST", f"{PROJECT}/node-off/{DEV}/on")
    frontend_sdk.wait_for_event("update", count=2)
    assert frontend_sdk.call("isEnabled", "node-off") is True
    assert (200, True) in refreshes()


def test_proxy_client__metrics__posted_and_counted(
    server: LiveServer, frontend_sdk: NodeSdk
) -> None:
    app = f"{APP}-web"
    for _ in range(3):
        frontend_sdk.call("isEnabled", "node-variants")
    frontend_sdk.call("isEnabled", "node-users")
    frontend_sdk.call("getVariant", "node-variants")
    frontend_sdk.wait_for_event("sent")

    wait_for(counted(server, "node-variants", app, yes=4, no=0), what="node-variants' counts")
    wait_for(counted(server, "node-users", app, yes=0, no=1), what="node-users' counts")
    (row,) = raw_metrics(server, "node-variants", app)
    assert row["environment"] == "development"
    assert sum(row.get("variants", {}).values()) == 1
    assert set(statuses(server, "POST", "/api/frontend/client/metrics")) == {200}


@pytest.mark.parametrize(
    ("token", "status"),
    [
        pytest.param(lambda s: "*:development.0123456789abcdef0123", 401, id="unknown"),
        pytest.param(lambda s: api_token(s, "client"), 403, id="client-token"),
    ],
)
def test_proxy_client__wrong_token__sdk_reports_error(
    server: LiveServer, token: Callable[[LiveServer], str], status: int
) -> None:
    sdk = start_frontend(server, token(server))
    try:
        sdk.call("start")
        error = sdk.wait_for_event("error")
        assert error["message"] == f'{{"type":"HttpError","code":{status}}}'
        assert statuses(server, "GET", FRONTEND)[0] == status
        assert sdk.named("ready") == []
        assert sdk.call("isEnabled", "node-variants") is False
    finally:
        sdk.close()
