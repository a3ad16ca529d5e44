"""POST /api/admin/features-batch/export."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from flagstaff.http.context import AppContext
from tests.api.flags.caller_kinds import make_kind
from tests.api.flags.support import assert_error, create_flag, events, features_url, snapshot
from tests.api.transfer.support import EXPORT, build_source, export

UNLEASH_EXPORT = json.loads((Path(__file__).parent / "unleash_export.json").read_text())


def _keys(items: list[dict[str, object]]) -> set[str]:
    return {key for item in items for key in item}


def test_export__project__unleash_shape(admin_client: TestClient, context: AppContext) -> None:
    build_source(admin_client)

    data = export(admin_client, project="default", environment="development")

    assert set(data) == set(UNLEASH_EXPORT)
    # Every key Unleash's export has per item, Flagstaff's has too (a strategy adds sortOrder).
    for section in ("features", "featureEnvironments", "featureTags", "segments", "dependencies"):
        assert _keys(data[section]) == _keys(UNLEASH_EXPORT[section]), section
    assert _keys(data["featureStrategies"]) == _keys(UNLEASH_EXPORT["featureStrategies"]) | {
        "sortOrder"
    }
    assert _keys(data["tagTypes"]) | {"color"} == _keys(UNLEASH_EXPORT["tagTypes"])
    assert [f["name"] for f in data["features"]] == ["src-child", "src-parent"]
    child = data["featureEnvironments"][0]
    assert child == {
        "enabled": True,
        "featureName": "src-child",
        "environment": "development",
        "variants": child["variants"],
        "name": "src-child",
    }
    assert [v["name"] for v in child["variants"]] == ["a", "b"]
    assert [(s["featureName"], s["name"]) for s in data["featureStrategies"]] == [
        ("src-child", "flexibleRollout"),
        ("src-child", "userWithId"),
        ("src-parent", "default"),
    ]
    # Only the context fields the strategies and variants use; no createdAt.
    assert [c["name"] for c in data["contextFields"]] == ["region"]
    assert "createdAt" not in data["contextFields"][0]
    assert data["featureTags"] == [
        {"featureName": "src-child", "tagType": "team", "tagValue": "pay"}
    ]
    assert [s["name"] for s in data["segments"]] == ["beta"]
    assert [t["name"] for t in data["tagTypes"]] == ["team"]
    assert data["dependencies"] == [
        {
            "feature": "src-child",
            "dependencies": [{"feature": "src-parent", "enabled": True, "variants": []}],
        }
    ]
    assert data["links"] == []


def test_export__records_features_exported(admin_client: TestClient, context: AppContext) -> None:
    create_flag(admin_client, "one")

    data = export(admin_client, features=["one"], environment="development")

    [event] = events(context, "features-exported")
    assert event.data == {"data": data}
    assert event.created_by == "admin"


def test_export__by_names__only_those_that_exist(admin_client: TestClient) -> None:
    for name in ("one", "two", "three"):
        create_flag(admin_client, name)

    data = export(admin_client, features=["three", "one", "nope"], environment="production")

    assert [f["name"] for f in data["features"]] == ["one", "three"]
    assert {e["environment"] for e in data["featureEnvironments"]} == {"production"}


def test_export__by_tag__tagged_flags(admin_client: TestClient) -> None:
    build_source(admin_client)

    data = export(admin_client, tag="team:pay", environment="development")

    assert [f["name"] for f in data["features"]] == ["src-child"]


def test_export__empty_names__every_active_flag(admin_client: TestClient) -> None:
    create_flag(admin_client, "kept")
    create_flag(admin_client, "gone")
    assert admin_client.delete(features_url("default", "gone")).status_code == 202

    data = export(admin_client, features=[], environment="development")

    assert [f["name"] for f in data["features"]] == ["kept"]


def test_export__download_file__attachment(admin_client: TestClient) -> None:
    response = admin_client.post(
        EXPORT, json={"project": "default", "environment": "development", "downloadFile": True}
    )

    assert response.status_code == 200
    assert response.headers["content-disposition"].startswith("attachment")
    assert response.json()["features"] == []


@pytest.mark.parametrize(
    ("body", "status", "fragment"),
    [
        ({"project": "default"}, 400, "environment"),
        ({"environment": "development"}, 400, "features"),
        ({"features": "one", "environment": "development"}, 400, "features"),
        ({"features": [1], "environment": "development"}, 400, "features"),
        ({"features": [""], "environment": "development"}, 400, "features"),
        ({"project": 5, "environment": "development"}, 400, "project"),
        ({"project": "default", "environment": ["development"]}, 400, "environment"),
        ({"project": "default", "environment": "development", "downloadFile": "yes"}, 400, ""),
        ({"tag": "no-colon", "environment": "development"}, 400, "type:value"),
        ({"project": "nope", "environment": "development"}, 404, "nope"),
        ({"project": "default", "environment": "nope"}, 404, "nope"),
        ({"project": "default", "environment": "d" * 101}, 400, "environment"),
        ([], 400, ""),
    ],
)
def test_export__bad_input__4xx_nothing_recorded(
    admin_client: TestClient, context: AppContext, body: object, status: int, fragment: str
) -> None:
    before = snapshot(context)

    response = admin_client.post(EXPORT, json=body)

    assert_error(response, status, fragment)
    assert snapshot(context) == before


def test_export__not_json__415(admin_client: TestClient) -> None:
    response = admin_client.post(
        EXPORT, content=b"project=default", headers={"content-type": "text/plain"}
    )
    assert_error(response, 415)


def test_export__oversized_body__413(admin_client: TestClient) -> None:
    names = [f"flag-{i:07d}" for i in range(80_000)]
    response = admin_client.post(EXPORT, json={"features": names, "environment": "development"})
    assert_error(response, 413)


def test_export__too_many_names__400(admin_client: TestClient) -> None:
    names = [f"f{i}" for i in range(1_001)]
    response = admin_client.post(EXPORT, json={"features": names, "environment": "development"})
    assert_error(response, 400, "features")


@pytest.mark.parametrize("kind", ["viewer", "editor", "service-viewer", "admin-token"])
def test_export__any_account__200(
    kind: str,
    context: AppContext,
    admin_client: TestClient,
    new_client: Callable[[], TestClient],
) -> None:
    create_flag(admin_client, "one")
    caller = make_kind(kind, context, admin_client, new_client)

    data = export(caller, project="default", environment="development")

    assert [f["name"] for f in data["features"]] == ["one"]


@pytest.mark.parametrize("kind", ["client-token", "frontend-token"])
def test_export__sdk_token__403(
    kind: str,
    context: AppContext,
    admin_client: TestClient,
    new_client: Callable[[], TestClient],
) -> None:
    caller = make_kind(kind, context, admin_client, new_client)

    response = caller.post(EXPORT, json={"project": "default", "environment": "development"})

    assert_error(response, 403)
    assert events(context, "features-exported") == []


def test_export__anonymous__401(client: TestClient) -> None:
    response = client.post(EXPORT, json={"project": "default", "environment": "development"})
    assert_error(response, 401)
