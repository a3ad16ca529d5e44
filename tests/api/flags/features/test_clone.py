"""``POST /api/admin/projects/{projectId}/features/{featureName}/clone``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

from flagstaff.http.context import AppContext
from tests.api.credentials.api_tokens.helpers import make_api_token
from tests.api.flags.support import (
    add_strategy,
    assert_error,
    create_flag,
    env_url,
    events,
    make_caller,
    make_project,
    seed_environment_variants,
    snapshot,
)

PROJECT = "/api/admin/projects/default"
VARIANT = {"name": "blue", "weight": 1000, "weightType": "variable", "stickiness": "default"}
ROLLOUT = {"rollout": "50", "stickiness": "default", "groupId": "source"}
CONSTRAINT = {"contextName": "userId", "operator": "IN", "values": ["1"]}


def clone_url(source: str = "source", project: str = "default") -> str:
    return f"/api/admin/projects/{project}/features/{source}/clone"


def flag(client: TestClient, name: str) -> dict[str, Any]:
    body: dict[str, Any] = client.get(f"{PROJECT}/features/{name}").json()
    return body


def environment(body: dict[str, Any], name: str) -> dict[str, Any]:
    [found] = [e for e in body["environments"] if e["name"] == name]
    return found


@pytest.fixture
def source(admin_client: TestClient) -> dict[str, Any]:
    create_flag(admin_client, "parent")
    create_flag(
        admin_client, "source", type="experiment", description="Checkout", impressionData=True
    )
    segment = admin_client.post("/api/admin/segments", json={"name": "s", "constraints": []})
    add_strategy(
        admin_client,
        "source",
        name="flexibleRollout",
        title="Half",
        parameters=ROLLOUT,
        constraints=[CONSTRAINT],
        variants=[{**VARIANT, "name": "strategy-variant"}],
        segments=[segment.json()["id"], 404_404],
    )
    add_strategy(admin_client, "source", disabled=True)
    add_strategy(
        admin_client, "source", env="production", name="userWithId", parameters={"userIds": "7"}
    )
    seed_environment_variants(admin_client, "source", [VARIANT])
    assert admin_client.post(env_url("source") + "/on").status_code == 200
    response = admin_client.post(
        f"{PROJECT}/features/source/dependencies", json={"feature": "parent"}
    )
    assert response.status_code == 200, response.text
    return flag(admin_client, "source")


def test_clone__201_fields_strategies_variants_dependencies_copied_switched_off(
    admin_client: TestClient, context: AppContext, source: dict[str, Any]
) -> None:
    response = admin_client.post(clone_url(), json={"name": "copy"})
    assert response.status_code == 201, response.text
    created = response.json()
    assert (created["name"], created["project"], created["type"]) == (
        "copy",
        "default",
        "experiment",
    )
    assert (created["description"], created["impressionData"]) == ("Checkout", True)
    copy = flag(admin_client, "copy")
    assert copy["dependencies"] == [{"feature": "parent", "enabled": True, "variants": []}]
    for env in ("development", "production"):
        theirs, ours = environment(source, env), environment(copy, env)
        assert ours["enabled"] is False
        assert ours["variants"] == theirs["variants"]
        assert len(ours["strategies"]) == len(theirs["strategies"])
        for mine, original in zip(ours["strategies"], theirs["strategies"], strict=True):
            assert mine["id"] != original["id"]
            expected = {**original, "id": mine["id"]}
            if "groupId" in original["parameters"]:
                expected["parameters"] = {**original["parameters"], "groupId": "copy"}
            assert mine == expected
    assert environment(copy, "development")["strategies"][0]["parameters"]["groupId"] == "copy"
    assert environment(source, "development")["enabled"] is True  # the source is untouched


def test_clone__events_as_each_creation_records_them(
    admin_client: TestClient, context: AppContext, source: dict[str, Any]
) -> None:
    admin_client.post(clone_url(), json={"name": "copy"})
    recorded = [(e.type, e.environment) for e in events(context) if e.feature_name == "copy"]
    assert recorded == [
        ("feature-created", None),
        ("feature-strategy-add", "development"),
        ("feature-strategy-add", "development"),
        ("feature-strategy-add", "production"),
        ("feature-dependency-added", None),
    ]


def test_clone__replace_group_id_false__kept(
    admin_client: TestClient, source: dict[str, Any]
) -> None:
    response = admin_client.post(clone_url(), json={"name": "copy", "replaceGroupId": False})
    assert response.status_code == 201, response.text
    [first, _] = environment(flag(admin_client, "copy"), "development")["strategies"]
    assert first["parameters"]["groupId"] == "source"


def test_clone__served_to_sdks_after_switching_on(
    admin_client: TestClient, context: AppContext, source: dict[str, Any]
) -> None:
    admin_client.post(clone_url(), json={"name": "copy"})
    assert admin_client.post(env_url("copy") + "/on").status_code == 200
    headers = {"Authorization": make_api_token(context), "Unleash-Client-Spec": "5.1.0"}
    body = admin_client.get("/api/client/features", headers=headers).json()
    served = {f["name"]: f for f in body["features"]}
    assert served["copy"]["enabled"] is True
    assert served["copy"]["variants"] == served["source"]["variants"]


def test_clone__name_taken__409_nothing_written(
    admin_client: TestClient, context: AppContext, source: dict[str, Any]
) -> None:
    before = snapshot(context)
    assert_error(admin_client.post(clone_url(), json={"name": "parent"}), 409, "already exists")
    assert snapshot(context) == before


def test_clone__name_of_archived_flag__409(
    admin_client: TestClient, source: dict[str, Any]
) -> None:
    create_flag(admin_client, "old")
    assert admin_client.delete(f"{PROJECT}/features/old").status_code == 202
    assert_error(admin_client.post(clone_url(), json={"name": "old"}), 409)


@pytest.mark.parametrize(
    ("sent", "fragment"),
    [
        ({}, "name"),
        ({"name": ""}, "name"),
        ({"name": "   "}, "name"),
        ({"name": "x" * 101}, "100"),
        ({"name": "x" * 256}, "name"),
        ({"name": "tab\there"}, "URL friendly"),
        ({"name": "bad name !"}, "URL friendly"),
        ({"name": 3}, "name"),
        ({"name": "copy", "replaceGroupId": "yes"}, "replaceGroupId"),
    ],
)
def test_clone__bad_body__400_nothing_written(
    admin_client: TestClient,
    context: AppContext,
    source: dict[str, Any],
    sent: dict[str, Any],
    fragment: str,
) -> None:
    before = snapshot(context)
    assert_error(admin_client.post(clone_url(), json=sent), 400, fragment)
    assert snapshot(context) == before


@pytest.mark.parametrize(
    ("url", "fragment"),
    [
        (clone_url("nope"), "nope"),
        (clone_url(project="nope"), "nope"),
        (clone_url(project="other"), '"other"'),
    ],
)
def test_clone__unknown_source__404_nothing_written(
    admin_client: TestClient,
    context: AppContext,
    source: dict[str, Any],
    url: str,
    fragment: str,
) -> None:
    make_project(context, "other")
    before = snapshot(context)
    assert_error(admin_client.post(url, json={"name": "copy"}), 404, fragment)
    assert snapshot(context) == before


def test_clone__archived_source__404(admin_client: TestClient, source: dict[str, Any]) -> None:
    admin_client.delete(f"{PROJECT}/features/source/dependencies")
    assert admin_client.delete(f"{PROJECT}/features/source").status_code == 202
    assert_error(admin_client.post(clone_url(), json={"name": "copy"}), 404)


def test_clone__feature_limit_reached__400_nothing_written(
    admin_client: TestClient, context: AppContext, source: dict[str, Any]
) -> None:
    response = admin_client.put(PROJECT, json={"name": "Default", "featureLimit": 2})
    assert response.status_code == 200, response.text
    before = snapshot(context)
    assert_error(admin_client.post(clone_url(), json={"name": "copy"}), 400, "limit of 2")
    assert snapshot(context) == before


@pytest.mark.parametrize("kind", ["viewer", "client", "frontend"])
def test_clone__unprivileged__403_nothing_written(
    admin_client: TestClient,
    context: AppContext,
    new_client: Callable[[], TestClient],
    source: dict[str, Any],
    kind: str,
) -> None:
    if kind == "viewer":
        caller = make_caller(context, new_client, "Viewer").client
    else:
        caller = new_client()
        caller.headers["Authorization"] = make_api_token(context, kind)
    before = snapshot(context)
    assert_error(caller.post(clone_url(), json={"name": "copy"}), 403)
    assert snapshot(context) == before


def test_clone__editor__201(
    context: AppContext, new_client: Callable[[], TestClient], source: dict[str, Any]
) -> None:
    editor = make_caller(context, new_client, "Editor").client
    assert editor.post(clone_url(), json={"name": "copy"}).status_code == 201
