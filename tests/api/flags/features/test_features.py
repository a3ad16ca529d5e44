"""Feature flags in a project: create, read, update, patch, archive, revive, delete."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from flagstaff.http.context import AppContext
from tests.api.flags.support import (
    add_strategy,
    assert_error,
    create_flag,
    env_url,
    events,
    features_url,
    make_project,
    snapshot,
)


def test_create_feature__minimal__201_with_unleash_shape_and_event(
    admin_client: TestClient, context: AppContext
) -> None:
    response = admin_client.post(features_url(), json={"name": "checkout"})
    assert response.status_code == 201, response.text
    body = response.json()
    assert {k: v for k, v in body.items() if k != "createdAt"} == {
        "name": "checkout",
        "description": None,
        "type": "release",
        "project": "default",
        "stale": False,
        "impressionData": False,
        "archived": False,
    }
    assert body["createdAt"].endswith("Z")
    [event] = events(context, "feature-created")
    assert (event.project, event.feature_name, event.created_by) == (
        "default",
        "checkout",
        "admin",
    )
    assert event.data["name"] == "checkout"


def test_create_feature__all_fields__kept(admin_client: TestClient) -> None:
    create_flag(
        admin_client,
        "kill",
        type="kill-switch",
        description="Stops it",
        impressionData=True,
        tags=[{"type": "simple", "value": "team-a"}],
    )
    flag = admin_client.get(features_url("default", "kill")).json()
    assert (flag["type"], flag["description"], flag["impressionData"]) == (
        "kill-switch",
        "Stops it",
        True,
    )
    tags = admin_client.get("/api/admin/features/kill/tags").json()["tags"]
    assert tags == [{"type": "simple", "value": "team-a"}]


def test_get_feature__environments_in_sort_order_with_strategies(
    admin_client: TestClient,
) -> None:
    create_flag(admin_client, "f")
    strategy = add_strategy(admin_client, "f", "production")
    flag = admin_client.get(features_url("default", "f")).json()
    assert [(e["name"], e["type"], e["enabled"]) for e in flag["environments"]] == [
        ("development", "development", False),
        ("production", "production", False),
    ]
    assert flag["environments"][1]["strategies"] == [strategy]
    assert flag["dependencies"] == []
    assert flag["children"] == []
    assert flag["createdBy"]["name"] == "admin"


def test_list_features__summaries_per_environment(admin_client: TestClient) -> None:
    create_flag(admin_client, "a")
    create_flag(admin_client, "b")
    add_strategy(admin_client, "b", "development", disabled=True)
    body = admin_client.get(features_url()).json()
    assert body["version"] == 2
    assert [f["name"] for f in body["features"]] == ["a", "b"]
    development = body["features"][1]["environments"][0]
    assert development["hasStrategies"] is True
    assert development["hasEnabledStrategies"] is False


def test_list_features__unknown_project__404(admin_client: TestClient) -> None:
    assert_error(admin_client.get(features_url("nope")), 404, "nope")


def test_get_feature__other_project__404(admin_client: TestClient, context: AppContext) -> None:
    make_project(context, "checkout")
    create_flag(admin_client, "f")
    assert_error(admin_client.get(features_url("checkout", "f")), 404, "f")


NOT_URL_FRIENDLY = [
    "bad name !",
    "slash/inside",
    "ünïcödé-名前",
    "question?mark",
    "hash#tag",
    "percent%25",
    ".",
    "..",
]


@pytest.fixture
def legacy_names(monkeypatch: pytest.MonkeyPatch) -> None:
    """Flags named before Flagstaff took Unleash's URL-friendly rule: still served."""
    monkeypatch.setattr("flagstaff.flags.features.service.check_feature_name", lambda _: None)


@pytest.mark.parametrize("name", NOT_URL_FRIENDLY)
def test_create_feature__name_not_url_friendly__400_as_unleash(
    admin_client: TestClient, context: AppContext, name: str
) -> None:
    before = snapshot(context)

    created = admin_client.post(features_url("default"), json={"name": name})
    checked = admin_client.post("/api/admin/features/validate", json={"name": name})

    for response in (created, checked):
        assert_error(response, 400, f'"name" must be URL friendly. You provided "{name}".')
    assert snapshot(context) == before


@pytest.mark.parametrize("name", ["a.b", "x~y*z'(1)!", "Under_score-42"])
def test_create_feature__url_friendly_punctuation__accepted(
    admin_client: TestClient, name: str
) -> None:
    assert admin_client.post("/api/admin/features/validate", json={"name": name}).status_code == 200
    create_flag(admin_client, name)


@pytest.mark.usefixtures("legacy_names")
@pytest.mark.parametrize(
    "name",
    ["with space", "slash/inside", "ünïcödé-名前", "question?mark", "hash#tag", "percent%25"],
)
def test_feature__stored_name_not_url_safe__works_when_quoted(
    admin_client: TestClient, name: str
) -> None:
    create_flag(admin_client, name)
    quoted = name.replace("%", "%25").replace("/", "%2F").replace("?", "%3F").replace("#", "%23")
    response = admin_client.get(features_url("default", quoted))
    assert response.status_code == 200, response.text
    assert response.json()["name"] == name
    on = admin_client.post(env_url(quoted, "development") + "/on")
    assert on.status_code == 200, on.text
    assert admin_client.get(features_url("default", quoted)).json()["environments"][0]["enabled"]


@pytest.mark.parametrize(
    ("body", "status", "fragment"),
    [
        ({}, 400, "name"),
        ({"name": 42}, 400, "name"),
        ({"name": ""}, 400, "empty"),
        ({"name": "   "}, 400, "empty"),
        ({"name": "x" * 101}, 400, "100"),
        ({"name": "tab\there"}, 400, "URL friendly"),
        ({"name": "ok", "type": "bogus"}, 400, "bogus"),
        ({"name": "ok", "impressionData": "yes"}, 400, "impressionData"),
        ({"name": "ok", "description": 5}, 400, "description"),
        ({"name": "ok", "tags": [{"type": "nosuchtype", "value": "v1"}]}, 404, "nosuchtype"),
    ],
)
def test_create_feature__bad_input__refused_nothing_written(
    admin_client: TestClient,
    context: AppContext,
    body: dict[str, object],
    status: int,
    fragment: str,
) -> None:
    before = snapshot(context)
    assert_error(admin_client.post(features_url(), json=body), status, fragment)
    assert snapshot(context) == before


def test_create_feature__duplicate_even_archived__409(
    admin_client: TestClient, context: AppContext
) -> None:
    create_flag(admin_client, "f")
    admin_client.delete(features_url("default", "f"))
    before = snapshot(context)
    assert_error(admin_client.post(features_url(), json={"name": "f"}), 409, "already exists")
    assert snapshot(context) == before


def test_create_feature__name_taken_in_other_project__409(
    admin_client: TestClient, context: AppContext
) -> None:
    make_project(context, "checkout")
    create_flag(admin_client, "f")
    assert_error(admin_client.post(features_url("checkout"), json={"name": "f"}), 409)


def test_create_feature__unknown_project__404(admin_client: TestClient) -> None:
    assert_error(admin_client.post(features_url("nope"), json={"name": "f"}), 404, "nope")


def test_create_feature__not_json__415(admin_client: TestClient, context: AppContext) -> None:
    before = snapshot(context)
    response = admin_client.post(
        features_url(), content="name=f", headers={"content-type": "text/plain"}
    )
    assert_error(response, 415)
    assert snapshot(context) == before


def test_create_feature__malformed_json__400(admin_client: TestClient) -> None:
    response = admin_client.post(
        features_url(), content="{nope", headers={"content-type": "application/json"}
    )
    assert_error(response, 400)


def test_validate_feature__free_taken_and_bad(admin_client: TestClient) -> None:
    create_flag(admin_client, "taken")
    url = "/api/admin/features/validate"
    assert admin_client.post(url, json={"name": "free"}).status_code == 200
    assert_error(admin_client.post(url, json={"name": "taken"}), 409)
    assert_error(admin_client.post(url, json={"name": "x" * 101}), 400)


def test_update_feature__put__metadata_replaced_with_event(
    admin_client: TestClient, context: AppContext
) -> None:
    create_flag(admin_client, "f", description="old")
    response = admin_client.put(
        features_url("default", "f"),
        json={"type": "operational", "impressionData": True, "stale": True},
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["type"], body["impressionData"], body["stale"], body["description"]) == (
        "operational",
        True,
        True,
        None,
    )
    [event] = events(context, "feature-metadata-updated")
    assert (event.pre_data["type"], event.data["type"]) == ("release", "operational")
    assert [e.type for e in events(context, "feature-stale-on")] == ["feature-stale-on"]


@pytest.mark.parametrize(
    ("body", "fragment"),
    [({"type": "nope"}, "nope"), ({"stale": "true"}, "stale"), ({"description": []}, "desc")],
)
def test_update_feature__bad_input__400_unchanged(
    admin_client: TestClient, context: AppContext, body: dict[str, object], fragment: str
) -> None:
    create_flag(admin_client, "f")
    before = snapshot(context)
    assert_error(admin_client.put(features_url("default", "f"), json=body), 400, fragment)
    assert snapshot(context) == before


def test_update_feature__unknown__404(admin_client: TestClient) -> None:
    assert_error(admin_client.put(features_url("default", "nope"), json={}), 404)


def test_patch_feature__replace_fields__applied(admin_client: TestClient) -> None:
    create_flag(admin_client, "f", description="keep")
    response = admin_client.patch(
        features_url("default", "f"),
        json=[
            {"op": "replace", "path": "/stale", "value": True},
            {"op": "replace", "path": "/impressionData", "value": True},
            {"op": "replace", "path": "/type", "value": "experiment"},
        ],
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["stale"], body["impressionData"], body["type"], body["description"]) == (
        True,
        True,
        "experiment",
        "keep",
    )


@pytest.mark.parametrize(
    ("operations", "fragment"),
    [
        ([{"op": "replace", "path": "/name", "value": "other"}], "name"),
        ([{"op": "replace", "path": "/project", "value": "x"}], "project"),
        ([{"op": "replace", "path": "/stale", "value": "yes"}], "stale"),
        ([{"op": "replace", "path": "/type", "value": "nope"}], "nope"),
        ([{"op": "fly", "path": "/stale", "value": True}], "op"),
        ([{"op": "replace", "path": "stale", "value": True}], "pointer"),
        ([{"op": "remove", "path": "/nothing"}], "nothing"),
        ([{"op": "test", "path": "/stale", "value": True}], "test failed"),
        ([{"path": "/stale"}], "op"),
    ],
)
def test_patch_feature__bad_patch__400_unchanged(
    admin_client: TestClient, context: AppContext, operations: object, fragment: str
) -> None:
    create_flag(admin_client, "f")
    before = snapshot(context)
    response = admin_client.patch(features_url("default", "f"), json=operations)
    assert_error(response, 400, fragment)
    assert snapshot(context) == before


def test_archive__flag__202_gone_from_project_listed_in_archive(
    admin_client: TestClient, context: AppContext
) -> None:
    create_flag(admin_client, "f")
    assert admin_client.delete(features_url("default", "f")).status_code == 202
    assert_error(admin_client.get(features_url("default", "f")), 404)
    assert admin_client.get(features_url()).json()["features"] == []
    archived = admin_client.get("/api/admin/archive/features").json()["features"]
    assert [(f["name"], f["archivedAt"] is not None) for f in archived] == [("f", True)]
    per_project = admin_client.get("/api/admin/archive/features/default").json()["features"]
    assert [f["name"] for f in per_project] == ["f"]
    assert [e.feature_name for e in events(context, "feature-archived")] == ["f"]


def test_archive__parent_with_active_child__refused(
    admin_client: TestClient, context: AppContext
) -> None:
    create_flag(admin_client, "parent")
    create_flag(admin_client, "child")
    admin_client.post(features_url("default", "child", "dependencies"), json={"feature": "parent"})
    before = snapshot(context)
    assert_error(admin_client.delete(features_url("default", "parent")), 403, "depend on it")
    assert snapshot(context) == before


def test_archive__child__its_dependencies_go(admin_client: TestClient) -> None:
    create_flag(admin_client, "parent")
    create_flag(admin_client, "child")
    admin_client.post(features_url("default", "child", "dependencies"), json={"feature": "parent"})
    assert admin_client.delete(features_url("default", "child")).status_code == 202
    assert admin_client.get(features_url("default", "parent")).json()["children"] == []
    assert admin_client.delete(features_url("default", "parent")).status_code == 202


def test_archive__unknown__404(admin_client: TestClient) -> None:
    assert_error(admin_client.delete(features_url("default", "nope")), 404)


def test_revive__archived__back_and_switched_off(
    admin_client: TestClient, context: AppContext
) -> None:
    create_flag(admin_client, "f")
    admin_client.post(env_url("f") + "/on")
    admin_client.delete(features_url("default", "f"))
    assert admin_client.post("/api/admin/archive/revive/f").status_code == 200
    flag = admin_client.get(features_url("default", "f")).json()
    assert [e["enabled"] for e in flag["environments"]] == [False, False]
    assert [e.feature_name for e in events(context, "feature-revived")] == ["f"]


def test_revive__not_archived__400_and_unknown__404(admin_client: TestClient) -> None:
    create_flag(admin_client, "f")
    assert_error(admin_client.post("/api/admin/archive/revive/f"), 400, "not archived")
    assert_error(admin_client.post("/api/admin/archive/revive/nope"), 404)


def test_delete_archived__gone_for_good_with_event(
    admin_client: TestClient, context: AppContext
) -> None:
    create_flag(admin_client, "f")
    add_strategy(admin_client, "f")
    admin_client.delete(features_url("default", "f"))
    assert admin_client.delete("/api/admin/archive/f").status_code == 200
    assert admin_client.get("/api/admin/archive/features").json()["features"] == []
    assert [e.feature_name for e in events(context, "feature-deleted")] == ["f"]
    assert snapshot(context)["feature_strategies"] == 0
    # The name is free again.
    create_flag(admin_client, "f")


def test_delete_archived__active_flag__400_kept(admin_client: TestClient) -> None:
    create_flag(admin_client, "f")
    assert_error(admin_client.delete("/api/admin/archive/f"), 400, "archive")
    assert admin_client.get(features_url("default", "f")).status_code == 200


def test_delete_archived__unknown__200_as_unleash(
    admin_client: TestClient, context: AppContext
) -> None:
    before = snapshot(context)
    assert admin_client.delete("/api/admin/archive/never-was").status_code == 200
    assert snapshot(context) == before


def test_feature_types__unleash_six(admin_client: TestClient) -> None:
    body = admin_client.get("/api/admin/feature-types").json()
    assert [t["id"] for t in body["types"]] == [
        "release",
        "experiment",
        "operational",
        "kill-switch",
        "permission",
        "sunset",
    ]
    assert body["types"][0]["lifetimeDays"] == 40


@pytest.mark.usefixtures("legacy_names")
def test_feature__stored_slash_name__tags_dependencies_archive_revive_delete(
    admin_client: TestClient,
) -> None:
    create_flag(admin_client, "team/parent")
    create_flag(admin_client, "team/child")
    quoted_child = "team%2Fchild"
    tagged = admin_client.post(
        f"/api/admin/features/{quoted_child}/tags", json={"type": "simple", "value": "ab"}
    )
    assert tagged.status_code == 201, tagged.text
    depends = admin_client.post(
        features_url("default", quoted_child, "dependencies"), json={"feature": "team/parent"}
    )
    assert depends.status_code == 200, depends.text
    removed = admin_client.delete(
        features_url("default", quoted_child, "dependencies", "team%2Fparent")
    )
    assert removed.status_code == 200, removed.text
    assert admin_client.delete(features_url("default", quoted_child)).status_code == 202
    assert admin_client.post(f"/api/admin/archive/revive/{quoted_child}").status_code == 200
    assert admin_client.delete(features_url("default", quoted_child)).status_code == 202
    assert admin_client.delete(f"/api/admin/archive/{quoted_child}").status_code == 200
    assert_error(admin_client.post(f"/api/admin/archive/revive/{quoted_child}"), 404)


def test_create_feature__project_limit_reached__400(admin_client: TestClient) -> None:
    admin_client.post("/api/admin/projects", json={"id": "small", "name": "S", "featureLimit": 1})
    create_flag(admin_client, "first", project="small")
    response = admin_client.post(features_url("small"), json={"name": "second"})
    assert_error(response, 400, "limit of 1")
