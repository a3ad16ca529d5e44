"""/api/admin/strategies: built-in and custom strategy definitions."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from flagstaff.http.context import AppContext
from tests.api.flags.support import add_strategy, assert_error, create_flag, events, snapshot

STRATEGIES = "/api/admin/strategies"
BUILT_IN = {
    "default",
    "flexibleRollout",
    "userWithId",
    "remoteAddress",
    "applicationHostname",
    "gradualRolloutUserId",
    "gradualRolloutSessionId",
    "gradualRolloutRandom",
}
CUSTOM = {
    "name": "region",
    "title": "Region",
    "description": "By region",
    "parameters": [{"name": "regions", "type": "list", "required": True}],
}


def test_strategies__fresh_install__built_ins_not_editable(admin_client: TestClient) -> None:
    body = admin_client.get(STRATEGIES).json()
    assert body["version"] == 1
    names = {s["name"] for s in body["strategies"]}
    assert names == BUILT_IN
    assert not any(s["editable"] for s in body["strategies"])
    flexible = admin_client.get(f"{STRATEGIES}/flexibleRollout").json()
    assert [p["name"] for p in flexible["parameters"]] == ["rollout", "stickiness", "groupId"]


def test_create_strategy__custom__201_usable_on_flags(
    admin_client: TestClient, context: AppContext
) -> None:
    response = admin_client.post(STRATEGIES, json=CUSTOM)
    assert response.status_code == 201, response.text
    assert response.json()["editable"] is True
    assert response.json()["parameters"] == [
        {"name": "regions", "type": "list", "description": "", "required": True}
    ]
    create_flag(admin_client, "f")
    add_strategy(admin_client, "f", name="region", parameters={"regions": "eu"})
    assert len(events(context, "strategy-created")) == 1


@pytest.mark.parametrize(
    ("body", "status", "fragment"),
    [
        ({"parameters": []}, 400, "name"),
        ({"name": "x"}, 400, "parameters"),
        ({"name": "default", "parameters": []}, 409, "default"),
        ({"name": "x", "parameters": [{"name": "p", "type": "color"}]}, 400, "type"),
        ({"name": "x", "parameters": [{"name": "p", "type": "list"}] * 2}, 400, "twice"),
        ({"name": "", "parameters": []}, 400, "name"),
    ],
)
def test_create_strategy__bad_input__refused_nothing_written(
    admin_client: TestClient,
    context: AppContext,
    body: dict[str, Any],
    status: int,
    fragment: str,
) -> None:
    before = snapshot(context)
    assert_error(admin_client.post(STRATEGIES, json=body), status, fragment)
    assert snapshot(context) == before


def test_update_strategy__custom__200_built_in__refused(
    admin_client: TestClient, context: AppContext
) -> None:
    admin_client.post(STRATEGIES, json=CUSTOM)
    response = admin_client.put(
        f"{STRATEGIES}/region", json={"description": "Changed", "parameters": []}
    )
    assert response.status_code == 200, response.text
    assert admin_client.get(f"{STRATEGIES}/region").json()["description"] == "Changed"
    before = snapshot(context)
    refused = admin_client.put(f"{STRATEGIES}/default", json={"parameters": []})
    assert_error(refused, 403, "built-in")
    assert snapshot(context) == before


def test_delete_strategy__custom_unused__200_in_use__409_built_in__403(
    admin_client: TestClient,
) -> None:
    admin_client.post(STRATEGIES, json=CUSTOM)
    admin_client.post(STRATEGIES, json={**CUSTOM, "name": "used"})
    create_flag(admin_client, "f")
    add_strategy(admin_client, "f", name="used")
    assert admin_client.delete(f"{STRATEGIES}/region").status_code == 200
    assert_error(admin_client.get(f"{STRATEGIES}/region"), 404)
    assert_error(admin_client.delete(f"{STRATEGIES}/used"), 409, "used")
    assert_error(admin_client.delete(f"{STRATEGIES}/default"), 403, "built-in")


def test_deprecate_and_reactivate(admin_client: TestClient, context: AppContext) -> None:
    assert admin_client.post(f"{STRATEGIES}/userWithId/deprecate").status_code == 200
    admin_client.post(f"{STRATEGIES}/default/deprecate")
    assert admin_client.get(f"{STRATEGIES}/default").json()["deprecated"] is True
    assert admin_client.post(f"{STRATEGIES}/default/reactivate").status_code == 200
    assert admin_client.get(f"{STRATEGIES}/default").json()["deprecated"] is False
    assert len(events(context, "strategy-deprecated")) == 2
    assert_error(admin_client.post(f"{STRATEGIES}/nope/deprecate"), 404)
