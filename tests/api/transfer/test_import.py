"""POST /api/admin/features-batch/import: Unleash's own export, bad input, callers, and an import
that fails half-way leaving nothing behind."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from flagstaff.http.context import AppContext
from tests.api.flags.caller_kinds import make_kind
from tests.api.flags.support import assert_error, events, make_caller, make_project, snapshot
from tests.api.transfer.support import IMPORT, VALIDATE, client_payload, ok

UNLEASH_EXPORT: dict[str, Any] = json.loads(
    (Path(__file__).parent / "unleash_export.json").read_text()
)
MEMBER_ROLE_ID = 5


def body(data: Any, project: Any = "default", env: str = "development") -> dict[str, Any]:
    return {"project": project, "environment": env, "data": data}


def plain(*names: str) -> dict[str, Any]:
    """Flags with a strategy each, switched on: what most imports look like."""
    return {
        "features": [{"name": n, "type": "release"} for n in names],
        "featureStrategies": [{"name": "default", "featureName": n} for n in names],
        "featureEnvironments": [{"name": n, "featureName": n, "enabled": True} for n in names],
        "tagTypes": [],
    }


def test_import__unleash_export__applied(admin_client: TestClient, context: AppContext) -> None:
    segment = ok(
        admin_client.post("/api/admin/segments", json={"name": "xf-beta", "constraints": []})
    )
    assert segment["id"] != UNLEASH_EXPORT["segments"][0]["id"]  # ids differ; names match

    ok(admin_client.post(IMPORT, json=body(UNLEASH_EXPORT, env="production")))

    flags = {f["name"]: f for f in client_payload(admin_client, context, "default", "production")}
    child = flags["xf-child"]
    assert (child["type"], child["enabled"], child["impressionData"]) == ("experiment", True, True)
    # The disabled remoteAddress strategy is not served to SDKs.
    [rollout] = child["strategies"]
    assert rollout["name"] == "flexibleRollout"
    assert rollout["parameters"] == {
        "groupId": "xf-child",
        "rollout": "50",
        "stickiness": "xf-region",
    }
    assert rollout["variants"][0]["payload"] == {"type": "string", "value": "b"}
    assert [v["name"] for v in child["variants"]] == ["a", "b"]
    assert child["variants"][0]["overrides"] == [{"contextName": "xf-region", "values": ["us"]}]
    assert child["dependencies"] == [{"feature": "xf-parent", "enabled": True, "variants": []}]
    assert flags["xf-parent"]["enabled"] is True
    strategies = ok(
        admin_client.get(
            "/api/admin/projects/default/features/xf-child/environments/production/strategies"
        )
    )
    assert strategies[0]["segments"] == [segment["id"]]
    assert strategies[0]["title"] == "Half of EU"
    assert (strategies[1]["name"], strategies[1]["disabled"]) == ("remoteAddress", True)
    field = ok(admin_client.get("/api/admin/context/xf-region"))
    assert field["legalValues"] == [{"value": "eu"}, {"value": "us", "description": "States"}]
    assert field["stickiness"] is True
    tags = ok(admin_client.get("/api/admin/features/xf-child/tags"))["tags"]
    assert tags == [{"type": "xf-team", "value": "payments"}]
    assert ok(admin_client.get("/api/admin/tag-types/xf-team"))["tagType"]["icon"] == "T"


def test_import__unleash_export_without_its_segment__refused(
    admin_client: TestClient, context: AppContext
) -> None:
    result = ok(admin_client.post(VALIDATE, json=body(UNLEASH_EXPORT)))
    assert result["errors"] == [
        {
            "message": "We detected the following segments that need to be created first:",
            "affectedItems": ["xf-beta"],
        }
    ]
    before = snapshot(context)

    response = admin_client.post(IMPORT, json=body(UNLEASH_EXPORT))

    assert_error(response, 400, "segments that need to be created first", "xf-beta")
    assert snapshot(context) == before


def _half_way_constraint() -> dict[str, Any]:
    data = plain("first", "second")
    data["featureStrategies"][1]["constraints"] = [
        {"contextName": "age", "operator": "NUM_GT", "value": "not a number"}
    ]
    return data


def _half_way_cycle() -> dict[str, Any]:
    data = plain("first", "second")
    data["dependencies"] = [
        {"feature": "first", "dependencies": [{"feature": "second"}]},
        {"feature": "second", "dependencies": [{"feature": "first"}]},
    ]
    return data


def _half_way_variants() -> dict[str, Any]:
    data = plain("first", "second")
    data["featureEnvironments"][1]["variants"] = [
        {"name": "v", "weight": 600, "weightType": "fix"},
        {"name": "w", "weight": 600, "weightType": "fix"},
    ]
    return data


@pytest.mark.parametrize("make", [_half_way_constraint, _half_way_cycle, _half_way_variants])
def test_import__fails_half_way__400_nothing_left(
    admin_client: TestClient, context: AppContext, make: Callable[[], dict[str, Any]]
) -> None:
    """A service refuses the second flag after the first was made. The one transaction takes
    the first back too. (Validation foresees it: it tries the import and rolls it back.)"""
    data = make()
    [error] = ok(admin_client.post(VALIDATE, json=body(data)))["errors"]
    assert error["message"] == "Importing this data would fail:"
    before = snapshot(context)

    response = admin_client.post(IMPORT, json=body(data))

    assert_error(response, 400)
    assert snapshot(context) == before
    assert admin_client.get("/api/admin/projects/default/features/first").status_code == 404


@pytest.mark.parametrize(
    ("payload", "fragment"),
    [
        ({"environment": "development", "data": plain("f")}, "project"),
        ({"project": "default", "data": plain("f")}, "environment"),
        ({"project": "default", "environment": "development"}, "data"),
        (body({"features": []}), "featureStrategies"),
        (body({"featureStrategies": []}), "features"),
        (body({**plain("f"), "features": [{"name": 5}]}), "name"),
        (body({**plain("f"), "features": "f"}), "features"),
        (body({**plain("f"), "featureEnvironments": [{"name": "f"}]}), "enabled"),
        (body({**plain("f"), "featureEnvironments": [{"name": "f", "enabled": "yes"}]}), "enabled"),
        (body({**plain("f"), "featureStrategies": [{"featureName": "f"}]}), "name"),
        (
            body(
                {**plain("f"), "featureStrategies": [{"name": "default", "parameters": {"a": 1}}]}
            ),
            "parameters",
        ),
        (body({**plain("f"), "segments": [{"id": "one", "name": "s"}]}), "id"),
        (body({**plain("f"), "featureTags": [{"featureName": "f"}]}), "tagValue"),
        (body({**plain("f"), "dependencies": [{"feature": "f"}]}), "dependencies"),
        (
            body({**plain("f"), "contextFields": [{"name": "c", "legalValues": ["a"]}]}),
            "legalValues",
        ),
        (body({**plain("f"), "features": [{"name": "nul\x00"}]}), "NUL"),
        (body(plain("f"), project=["default"]), "project"),
        (
            body({**plain("f"), "featureStrategies": [{"name": "default", "sortOrder": 2**40}]}),
            "sortOrder",
        ),
        ([], ""),
    ],
)
def test_import__bad_input__400_nothing_written(
    admin_client: TestClient, context: AppContext, payload: Any, fragment: str
) -> None:
    before = snapshot(context)

    for url in (VALIDATE, IMPORT):
        assert_error(admin_client.post(url, json=payload), 400, fragment)

    assert snapshot(context) == before


@pytest.mark.parametrize(
    ("project", "env", "fragment"), [("nope", "development", "nope"), ("default", "nope", "nope")]
)
def test_import__unknown_project_or_environment__404(
    admin_client: TestClient, context: AppContext, project: str, env: str, fragment: str
) -> None:
    before = snapshot(context)

    for url in (VALIDATE, IMPORT):
        assert_error(admin_client.post(url, json=body(plain("f"), project, env)), 404, fragment)

    assert snapshot(context) == before


def test_import__oversized_body__413(admin_client: TestClient, context: AppContext) -> None:
    names = [f"flag-{i:06d}" for i in range(12_000)]
    before = snapshot(context)

    response = admin_client.post(IMPORT, json=body(plain(*names)))

    assert_error(response, 413)
    assert snapshot(context) == before


def test_import__too_many_items__400(admin_client: TestClient) -> None:
    data = plain("f")
    data["featureTags"] = [{"featureName": "f", "tagValue": "v"}] * 10_001
    assert_error(admin_client.post(IMPORT, json=body(data)), 400, "featureTags")


def test_import__not_json__415(admin_client: TestClient) -> None:
    response = admin_client.post(IMPORT, content=b"<x/>", headers={"content-type": "text/xml"})
    assert_error(response, 415)


# Callers


@pytest.mark.parametrize("kind", ["admin", "editor", "service-admin"])
def test_import__caller_with_rights__200(
    kind: str,
    context: AppContext,
    admin_client: TestClient,
    new_client: Callable[[], TestClient],
) -> None:
    caller = make_kind(kind, context, admin_client, new_client)
    data = plain("f")
    data["tagTypes"] = [{"name": "fresh-type"}]
    data["featureTags"] = [{"featureName": "f", "tagType": "fresh-type", "tagValue": "v1"}]
    data["contextFields"] = [{"name": "fresh-field"}]

    ok(caller.post(IMPORT, json=body(data)))

    assert caller.get("/api/admin/projects/default/features/f").status_code == 200
    [event] = events(context, "features-imported")
    assert event.project == "default"
    assert [e.type for e in events(context, "tag-type-created")] == ["tag-type-created"]
    assert [e.type for e in events(context, "context-field-created")] == ["context-field-created"]


@pytest.mark.parametrize("kind", ["viewer", "service-viewer"])
def test_import__account_without_rights__403_listing_them(
    kind: str,
    context: AppContext,
    admin_client: TestClient,
    new_client: Callable[[], TestClient],
) -> None:
    caller = make_kind(kind, context, admin_client, new_client)
    before = snapshot(context)

    response = caller.post(IMPORT, json=body(plain("f")))

    error = assert_error(response, 403, "Create feature flags")
    assert error["permissions"] == [
        "Update feature flags",
        "Create feature flags",
        "Create activation strategies",
        "Enable/disable flags",
    ]
    assert snapshot(context) == before


@pytest.mark.parametrize("kind", ["client-token", "frontend-token"])
def test_import__sdk_token__403(
    kind: str,
    context: AppContext,
    admin_client: TestClient,
    new_client: Callable[[], TestClient],
) -> None:
    caller = make_kind(kind, context, admin_client, new_client)
    before = snapshot(context)

    for url in (VALIDATE, IMPORT):
        assert_error(caller.post(url, json=body(plain("f"))), 403)

    assert snapshot(context) == before


def test_import__admin_token__400_as_unleash(
    context: AppContext, admin_client: TestClient, new_client: Callable[[], TestClient]
) -> None:
    caller = make_kind("admin-token", context, admin_client, new_client)
    before = snapshot(context)

    response = caller.post(IMPORT, json=body(plain("f")))

    assert_error(response, 400, "You can't use an admin token to import features.")
    assert snapshot(context) == before
    # Validation is open to it, as in Unleash.
    assert ok(caller.post(VALIDATE, json=body(plain("f"))))["permissions"] == []


def test_import__editor_in_project_without_role__403(
    context: AppContext, admin_client: TestClient, new_client: Callable[[], TestClient]
) -> None:
    make_project(context, "other")
    editor = make_caller(context, new_client, "Editor")

    response = editor.client.post(IMPORT, json=body(plain("f"), project="other"))

    assert_error(response, 403, "Update feature flags")


def test_import__project_member__flags_yes_new_tag_type_no(
    context: AppContext, admin_client: TestClient, new_client: Callable[[], TestClient]
) -> None:
    make_project(context, "other")
    member = make_caller(context, new_client, "Viewer", {"other": MEMBER_ROLE_ID})
    data = plain("f")
    data["tagTypes"] = [{"name": "fresh-type"}]
    data["featureTags"] = [{"featureName": "f", "tagType": "fresh-type", "tagValue": "v1"}]

    refused = member.client.post(IMPORT, json=body(data, project="other"))

    assert assert_error(refused, 403)["permissions"] == ["Create tag types"]
    validation = ok(member.client.post(VALIDATE, json=body(data, project="other")))
    assert validation["permissions"][0]["affectedItems"] == ["Create tag types"]
    ok(member.client.post(IMPORT, json=body(plain("f"), project="other")))
    assert [e.project for e in events(context, "features-imported")] == ["other"]
