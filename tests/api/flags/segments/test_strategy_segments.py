"""``POST /api/admin/segments/strategies`` and ``GET /api/admin/segments/strategies/{id}``: a
strategy's segments, replaced at once or listed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

from flagstaff.http.context import AppContext
from flagstaff.rbac.predefined import MEMBER_ROLE_ID
from tests.api.credentials.api_tokens.helpers import auth, make_api_token
from tests.api.flags.support import (
    add_strategy,
    assert_error,
    create_flag,
    events,
    make_caller,
    make_project,
    snapshot,
)

URL = "/api/admin/segments/strategies"
MISSING = 404_404


def make_segment(client: TestClient, name: str) -> dict[str, Any]:
    constraint = {"contextName": "userId", "operator": "IN", "values": [name]}
    response = client.post("/api/admin/segments", json={"name": name, "constraints": [constraint]})
    assert response.status_code == 201, response.text
    segment: dict[str, Any] = response.json()
    return segment


@pytest.fixture
def strategy(admin_client: TestClient) -> dict[str, Any]:
    create_flag(admin_client, "f")
    return add_strategy(admin_client, "f")


def body(strategy_id: str, segment_ids: list[Any], **overrides: Any) -> dict[str, Any]:
    return {
        "projectId": "default",
        "environmentId": "development",
        "strategyId": strategy_id,
        "segmentIds": segment_ids,
        **overrides,
    }


def test_set_segments__201_replaced_shown_everywhere_with_event(
    admin_client: TestClient, context: AppContext, strategy: dict[str, Any]
) -> None:
    one, two = make_segment(admin_client, "one"), make_segment(admin_client, "two")
    first = admin_client.post(URL, json=body(strategy["id"], [one["id"]]))
    assert first.status_code == 201, first.text
    response = admin_client.post(URL, json=body(strategy["id"], [two["id"], MISSING, two["id"]]))
    assert response.status_code == 201, response.text
    assert response.json() == body(strategy["id"], [two["id"], MISSING])
    assert response.headers["location"] == f"strategies/{strategy['id']}"
    url = "/api/admin/projects/default/features/f/environments/development/strategies"
    assert admin_client.get(f"{url}/{strategy['id']}").json()["segments"] == [two["id"], MISSING]
    listed = admin_client.get(f"{URL}/{strategy['id']}").json()
    assert listed == {"segments": [two]}
    updates = events(context, "feature-strategy-update")
    assert [(e.pre_data["segments"], e.data["segments"]) for e in updates] == [
        ([], [one["id"]]),
        ([one["id"]], [two["id"], MISSING]),
    ]
    assert {(e.project, e.environment, e.feature_name) for e in updates} == {
        ("default", "development", "f")
    }


def test_set_segments__empty_list__cleared(
    admin_client: TestClient, strategy: dict[str, Any]
) -> None:
    one = make_segment(admin_client, "one")
    admin_client.post(URL, json=body(strategy["id"], [one["id"]]))
    assert admin_client.post(URL, json=body(strategy["id"], [])).status_code == 201
    assert admin_client.get(f"{URL}/{strategy['id']}").json() == {"segments": []}


def test_set_segments__served_to_sdks_at_once(
    admin_client: TestClient, context: AppContext, strategy: dict[str, Any]
) -> None:
    one = make_segment(admin_client, "one")
    headers = {**auth(make_api_token(context)), "Unleash-Client-Spec": "5.1.0"}
    before = admin_client.get("/api/client/features", headers=headers).json()
    assert "segments" not in before["features"][0]["strategies"][0]
    admin_client.post(URL, json=body(strategy["id"], [one["id"]]))
    after = admin_client.get("/api/client/features", headers=headers).json()
    assert after["features"][0]["strategies"][0]["segments"] == [one["id"]]


def test_get_segments__unknown_strategy__empty_list(admin_client: TestClient) -> None:
    assert admin_client.get(f"{URL}/nope").json() == {"segments": []}


@pytest.mark.parametrize(
    ("overrides", "fragment"),
    [
        ({"projectId": None}, "projectId"),
        ({"environmentId": 3}, "environmentId"),
        ({"strategyId": ["x"]}, "strategyId"),
        ({"segmentIds": "1"}, "segmentIds"),
        ({"segmentIds": [-1]}, "segmentIds"),
        ({"segmentIds": [2**31]}, "segmentIds"),
        ({"segmentIds": ["1"]}, "segmentIds"),
        ({"segmentIds": list(range(1001))}, "segmentIds"),
        ({"strategyId": "s" * 101}, "strategyId"),
    ],
)
def test_set_segments__bad_body__400_nothing_written(
    admin_client: TestClient,
    context: AppContext,
    strategy: dict[str, Any],
    overrides: dict[str, Any],
    fragment: str,
) -> None:
    before = snapshot(context)
    assert_error(admin_client.post(URL, json=body(strategy["id"], [], **overrides)), 400, fragment)
    assert snapshot(context) == before


@pytest.mark.parametrize("missing", ["projectId", "environmentId", "strategyId", "segmentIds"])
def test_set_segments__field_missing__400(
    admin_client: TestClient, strategy: dict[str, Any], missing: str
) -> None:
    sent = body(strategy["id"], [])
    del sent[missing]
    assert_error(admin_client.post(URL, json=sent), 400, missing)


@pytest.mark.parametrize(
    ("overrides", "fragment"),
    [
        ({"strategyId": "nope"}, "nope"),
        ({"projectId": "nope"}, "nope"),
        ({"projectId": "other"}, "Could not find strategy"),
        ({"environmentId": "production"}, "Could not find strategy"),
    ],
)
def test_set_segments__strategy_not_there__404_nothing_written(
    admin_client: TestClient,
    context: AppContext,
    strategy: dict[str, Any],
    overrides: dict[str, Any],
    fragment: str,
) -> None:
    make_project(context, "other")
    before = snapshot(context)
    assert_error(admin_client.post(URL, json=body(strategy["id"], [1], **overrides)), 404, fragment)
    assert snapshot(context) == before


def test_set_segments__archived_flag__404(
    admin_client: TestClient, context: AppContext, strategy: dict[str, Any]
) -> None:
    assert admin_client.delete("/api/admin/projects/default/features/f").status_code == 202
    assert_error(admin_client.post(URL, json=body(strategy["id"], [1])), 404)


@pytest.mark.parametrize("kind", ["viewer", "client", "frontend"])
def test_set_segments__unprivileged_caller__403_nothing_written(
    admin_client: TestClient,
    context: AppContext,
    new_client: Callable[[], TestClient],
    strategy: dict[str, Any],
    kind: str,
) -> None:
    caller = _caller(kind, context, new_client)
    before = snapshot(context)
    assert_error(caller.post(URL, json=body(strategy["id"], [1])), 403)
    assert snapshot(context) == before


@pytest.mark.parametrize(("kind", "status"), [("viewer", 200), ("client", 403), ("frontend", 403)])
def test_get_segments__by_caller(
    context: AppContext,
    new_client: Callable[[], TestClient],
    strategy: dict[str, Any],
    kind: str,
    status: int,
) -> None:
    caller = _caller(kind, context, new_client)
    assert caller.get(f"{URL}/{strategy['id']}").status_code == status


def test_set_segments__project_member_elsewhere__403(
    admin_client: TestClient, context: AppContext, new_client: Callable[[], TestClient]
) -> None:
    """Permission is asked for the strategy's project, not any project the caller may edit."""
    make_project(context, "mine")
    create_flag(admin_client, "f")
    strategy = add_strategy(admin_client, "f")
    caller = make_caller(context, new_client, "Viewer", {"mine": MEMBER_ROLE_ID})
    sent = body(strategy["id"], [1])
    assert_error(caller.client.post(URL, json=sent), 403)
    assert_error(caller.client.post(URL, json={**sent, "projectId": "mine"}), 404)


def _caller(kind: str, context: AppContext, new_client: Callable[[], TestClient]) -> TestClient:
    if kind == "viewer":
        return make_caller(context, new_client, "Viewer").client
    client = new_client()
    client.headers["Authorization"] = make_api_token(context, kind)
    return client
