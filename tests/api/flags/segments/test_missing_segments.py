"""A strategy may name a segment that does not exist (client specification F9.withMissingSegment):
the reference is stored and shown, and every way of evaluating the strategy says false."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from flagstaff.http.context import AppContext
from tests.api.credentials.api_tokens.helpers import auth, make_api_token
from tests.api.flags.support import (
    add_strategy,
    assert_error,
    create_flag,
    env_url,
    events,
    snapshot,
)

MISSING = 404_404
SEGMENTS = "/api/admin/segments"
CLIENT = "/api/client/features"
MODERN = {"Unleash-Client-Spec": "5.1.0"}


@pytest.fixture
def flag(admin_client: TestClient) -> str:
    create_flag(admin_client, "f")
    return "f"


def strategies_url() -> str:
    return env_url("f") + "/strategies"


def make_segment(client: TestClient, name: str, user_ids: list[str]) -> int:
    constraint = {"contextName": "userId", "operator": "IN", "values": user_ids}
    response = client.post(SEGMENTS, json={"name": name, "constraints": [constraint]})
    assert response.status_code == 201, response.text
    segment_id: int = response.json()["id"]
    return segment_id


def enable(client: TestClient) -> None:
    assert client.post(env_url("f") + "/on").status_code == 200


def test_add_strategy__missing_segment__stored_shown_with_event(
    admin_client: TestClient, context: AppContext, flag: str
) -> None:
    strategy = add_strategy(admin_client, flag, segments=[MISSING])
    assert strategy["segments"] == [MISSING]
    shown = admin_client.get(f"{strategies_url()}/{strategy['id']}").json()
    assert shown["segments"] == [MISSING]
    flag_body = admin_client.get(f"/api/admin/projects/default/features/{flag}").json()
    [development] = [e for e in flag_body["environments"] if e["name"] == "development"]
    assert development["strategies"][0]["segments"] == [MISSING]
    [event] = events(context, "feature-strategy-add")
    assert event.data["segments"] == [MISSING]


def test_update_strategy__put_and_patch__missing_segment_kept(
    admin_client: TestClient, context: AppContext, flag: str
) -> None:
    existing = make_segment(admin_client, "s", ["1"])
    strategy = add_strategy(admin_client, flag, segments=[existing])
    url = f"{strategies_url()}/{strategy['id']}"
    put = admin_client.put(url, json={"name": "default", "segments": [existing, MISSING]})
    assert put.status_code == 200, put.text
    assert put.json()["segments"] == [existing, MISSING]
    patch = admin_client.patch(url, json=[{"op": "replace", "path": "/segments", "value": [7]}])
    assert patch.status_code == 200, patch.text
    assert patch.json()["segments"] == [7]
    updates = events(context, "feature-strategy-update")
    assert [e.data["segments"] for e in updates] == [[existing, MISSING], [7]]


@pytest.mark.parametrize(
    "value", [[-1], [2**31], ["1"], [True], "1", [None]], ids=lambda v: repr(v)
)
def test_patch_strategy__segments_not_ids__400_unchanged(
    admin_client: TestClient, context: AppContext, flag: str, value: Any
) -> None:
    strategy = add_strategy(admin_client, flag)
    before = snapshot(context)
    operations = [{"op": "replace", "path": "/segments", "value": value}]
    response = admin_client.patch(f"{strategies_url()}/{strategy['id']}", json=operations)
    assert_error(response, 400, "segments")
    assert snapshot(context) == before


def test_client_api__modern_sdk__strategy_lists_missing_id_segments_lists_none(
    admin_client: TestClient, context: AppContext, flag: str
) -> None:
    existing = make_segment(admin_client, "s", ["1"])
    add_strategy(admin_client, flag, segments=[existing, MISSING])
    enable(admin_client)
    headers = {**auth(make_api_token(context)), **MODERN}
    body = admin_client.get(CLIENT, headers=headers).json()
    [strategy] = body["features"][0]["strategies"]
    assert strategy["segments"] == [existing, MISSING]
    assert [s["id"] for s in body["segments"]] == [existing]


def test_client_api__old_sdk__missing_segment_inlined_as_constraint_nothing_matches(
    admin_client: TestClient, context: AppContext, flag: str
) -> None:
    existing = make_segment(admin_client, "s", ["1"])
    own = {"contextName": "appName", "operator": "IN", "values": ["web"]}
    add_strategy(admin_client, flag, constraints=[own], segments=[existing, MISSING])
    enable(admin_client)
    body = admin_client.get(CLIENT, headers=auth(make_api_token(context))).json()
    [strategy] = body["features"][0]["strategies"]
    assert "segments" not in strategy
    assert strategy["constraints"] == [
        own,
        {"contextName": "userId", "operator": "IN", "values": ["1"]},
        {"contextName": f"missingSegment{MISSING}", "operator": "IN", "values": []},
    ]


def test_frontend_api__missing_segment__forces_false(
    admin_client: TestClient, context: AppContext, flag: str
) -> None:
    frontend = auth(make_api_token(context, "frontend"))
    existing = make_segment(admin_client, "s", ["42"])
    strategy = add_strategy(admin_client, flag, segments=[existing])
    enable(admin_client)
    url = "/api/frontend?userId=42"
    assert [t["name"] for t in admin_client.get(url, headers=frontend).json()["toggles"]] == [flag]
    response = admin_client.put(
        f"{strategies_url()}/{strategy['id']}",
        json={"name": "default", "segments": [existing, MISSING]},
    )
    assert response.status_code == 200, response.text
    assert admin_client.get(url, headers=frontend).json()["toggles"] == []


def test_frontend_api__segment_created_later_with_that_id__applies(
    admin_client: TestClient, context: AppContext, flag: str
) -> None:
    """The reference is kept as given, so it takes effect once a segment has that id."""
    frontend = auth(make_api_token(context, "frontend"))
    segment = make_segment(admin_client, "s", ["42"])
    add_strategy(admin_client, flag, segments=[segment + 1])
    enable(admin_client)
    assert admin_client.get("/api/frontend?userId=42", headers=frontend).json()["toggles"] == []
    assert make_segment(admin_client, "t", ["42"]) == segment + 1
    toggles = admin_client.get("/api/frontend?userId=42", headers=frontend).json()["toggles"]
    assert [t["name"] for t in toggles] == [flag]


def test_delete_segment__referenced_next_to_a_missing_one__409_kept(
    admin_client: TestClient, context: AppContext, flag: str
) -> None:
    existing = make_segment(admin_client, "s", ["1"])
    add_strategy(admin_client, flag, segments=[MISSING, existing])
    before = snapshot(context)
    assert_error(admin_client.delete(f"{SEGMENTS}/{existing}"), 409, "used by")
    assert snapshot(context) == before


def test_segment_strategies__missing_segment_referenced__nothing_to_list(
    admin_client: TestClient, flag: str
) -> None:
    strategy = add_strategy(admin_client, flag, segments=[MISSING])
    # No segment has that id, so there is nothing to list for it, and nothing to show.
    assert_error(admin_client.get(f"{SEGMENTS}/{MISSING}/strategies"), 404)
    listed = admin_client.get(f"{SEGMENTS}/strategies/{strategy['id']}").json()
    assert listed == {"segments": []}


def test_default_strategy__missing_segment__kept_on_the_strategy_enabling_adds(
    admin_client: TestClient, context: AppContext, flag: str
) -> None:
    url = "/api/admin/projects/default/environments/development/default-strategy"
    response = admin_client.post(url, json={"name": "default", "segments": [MISSING]})
    assert response.status_code == 200, response.text
    assert response.json()["segments"] == [MISSING]
    enable(admin_client)
    [added] = events(context, "feature-strategy-add")
    assert added.data["segments"] == [MISSING]
    frontend = auth(make_api_token(context, "frontend"))
    assert admin_client.get("/api/frontend", headers=frontend).json()["toggles"] == []
