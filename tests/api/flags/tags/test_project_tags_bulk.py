"""Tags on many flags at once: ``PUT /api/admin/projects/{projectId}/tags``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

from flagstaff.http.context import AppContext
from flagstaff.rbac.predefined import MEMBER_ROLE_ID
from tests.api.flags.caller_kinds import UNPRIVILEGED, make_kind
from tests.api.flags.support import (
    assert_error,
    create_flag,
    events,
    make_caller,
    make_project,
    snapshot,
)

BULK = "/api/admin/projects/{project}/tags"
TEAM_A = {"type": "simple", "value": "team-a"}
TEAM_B = {"type": "simple", "value": "team-b"}


def body(
    features: list[str], added: list[dict[str, str]], removed: list[dict[str, str]] | None = None
) -> dict[str, Any]:
    return {"features": features, "tags": {"addedTags": added, "removedTags": removed or []}}


def tags_of(client: TestClient, feature: str) -> list[dict[str, str]]:
    response = client.get(f"/api/admin/features/{feature}/tags")
    assert response.status_code == 200, response.text
    tags: list[dict[str, str]] = response.json()["tags"]
    return tags


@pytest.fixture
def flags(admin_client: TestClient) -> list[str]:
    for name in ("one", "two"):
        create_flag(admin_client, name)
    return ["one", "two"]


def test_bulk_tags__adds_to_every_flag_200_and_events(
    admin_client: TestClient, admin: Any, context: AppContext, flags: list[str]
) -> None:
    response = admin_client.put(BULK.format(project="default"), json=body(flags, [TEAM_A, TEAM_B]))
    assert response.status_code == 200, response.text
    assert response.content == b""
    for name in flags:
        assert tags_of(admin_client, name) == [TEAM_A, TEAM_B]
    tagged = events(context, "feature-tagged")
    assert sorted((e.feature_name, e.data["value"]) for e in tagged) == [
        ("one", "team-a"),
        ("one", "team-b"),
        ("two", "team-a"),
        ("two", "team-b"),
    ]
    assert {(e.project, e.created_by, e.created_by_user_id) for e in tagged} == {
        ("default", admin.username, admin.id)
    }
    # New tags are recorded once each, as a single flag's tagging does.
    assert sorted(e.data["value"] for e in events(context, "tag-created")) == ["team-a", "team-b"]


def test_bulk_tags__adds_and_removes(
    admin_client: TestClient, context: AppContext, flags: list[str]
) -> None:
    url = BULK.format(project="default")
    admin_client.put(url, json=body(flags, [TEAM_A]))
    response = admin_client.put(url, json=body(flags, [TEAM_B], [TEAM_A]))
    assert response.status_code == 200, response.text
    for name in flags:
        assert tags_of(admin_client, name) == [TEAM_B]
    untagged = events(context, "feature-untagged")
    assert sorted(e.feature_name for e in untagged) == ["one", "two"]
    assert {(e.pre_data["value"], e.data) for e in untagged} == {("team-a", None)}


def test_bulk_tags__already_tagged_or_untagged__no_event(
    admin_client: TestClient, context: AppContext, flags: list[str]
) -> None:
    """Flagstaff records changes only (Unleash re-records a tag a flag already has)."""
    url = BULK.format(project="default")
    admin_client.put(url, json=body(flags, [TEAM_A]))
    before = len(events(context))
    assert admin_client.put(url, json=body(flags, [TEAM_A], [TEAM_B])).status_code == 200
    assert len(events(context)) == before


def test_bulk_tags__empty_or_repeated_names__fine(
    admin_client: TestClient, context: AppContext, flags: list[str]
) -> None:
    url = BULK.format(project="default")
    assert admin_client.put(url, json=body([], [TEAM_A])).status_code == 200
    assert admin_client.put(url, json=body(["one", "one"], [TEAM_A])).status_code == 200
    assert [e.feature_name for e in events(context, "feature-tagged")] == ["one"]


def test_bulk_tags__archived_flag__tagged(admin_client: TestClient, flags: list[str]) -> None:
    """As a single flag's tag routes: archived flags keep and take tags."""
    assert admin_client.delete("/api/admin/projects/default/features/two").status_code == 202
    response = admin_client.put(BULK.format(project="default"), json=body(flags, [TEAM_A]))
    assert response.status_code == 200, response.text
    assert tags_of(admin_client, "two") == [TEAM_A]


@pytest.mark.parametrize(
    ("project", "features", "added", "status", "fragment"),
    [
        ("default", ["one", "nope"], [TEAM_A], 404, "nope"),
        ("default", ["one"], [{"type": "nosuch", "value": "team"}], 404, "nosuch"),
        ("missing", ["one"], [TEAM_A], 404, "missing"),
        ("other", ["one"], [TEAM_A], 400, "not belonging to project"),
        ("default", ["one"], [{"type": "simple", "value": "x"}], 400, "2 to 50"),
        ("default", ["one"], [{"type": "simple", "value": "x" * 51}], 400, "2 to 50"),
    ],
    ids=[
        "unknown-flag",
        "unknown-tag-type",
        "unknown-project",
        "flag-elsewhere",
        "short-value",
        "long-value",
    ],
)
def test_bulk_tags__refused__nothing_written(
    admin_client: TestClient,
    context: AppContext,
    flags: list[str],
    project: str,
    features: list[str],
    added: list[dict[str, str]],
    status: int,
    fragment: str,
) -> None:
    make_project(context, "other")
    before = snapshot(context)
    response = admin_client.put(BULK.format(project=project), json=body(features, added))
    assert_error(response, status, fragment)
    assert snapshot(context) == before
    assert admin_client.get("/api/admin/tags").json()["tags"] == []


@pytest.mark.parametrize(
    "payload",
    [
        {},
        {"features": ["one"]},
        {"tags": {"addedTags": [], "removedTags": []}},
        {"features": ["one"], "tags": {"addedTags": [TEAM_A]}},
        {"features": ["one"], "tags": {"removedTags": []}},
        {"features": "one", "tags": {"addedTags": [TEAM_A], "removedTags": []}},
        {"features": [1], "tags": {"addedTags": [TEAM_A], "removedTags": []}},
        {"features": [""], "tags": {"addedTags": [TEAM_A], "removedTags": []}},
        {"features": ["x" * 256], "tags": {"addedTags": [TEAM_A], "removedTags": []}},
        {"features": ["one"] * 1_001, "tags": {"addedTags": [TEAM_A], "removedTags": []}},
        {"features": ["one"], "tags": {"addedTags": [TEAM_A] * 101, "removedTags": []}},
        {"features": ["one"], "tags": {"addedTags": [{"type": "simple"}], "removedTags": []}},
        {"features": ["one"], "tags": {"addedTags": [{"type": 1, "value": 2}], "removedTags": []}},
        {"features": ["o\x00ne"], "tags": {"addedTags": [TEAM_A], "removedTags": []}},
        {"features": ["one"], "tags": []},
        [],
    ],
)
def test_bulk_tags__bad_body__400_nothing_written(
    admin_client: TestClient, context: AppContext, flags: list[str], payload: Any
) -> None:
    before = snapshot(context)
    assert_error(admin_client.put(BULK.format(project="default"), json=payload), 400)
    assert snapshot(context) == before


def test_bulk_tags__bad_project_id__400(admin_client: TestClient, flags: list[str]) -> None:
    assert_error(admin_client.put(BULK.format(project="p" * 101), json=body(flags, [TEAM_A])), 400)


def test_bulk_tags__not_json__415(admin_client: TestClient, flags: list[str]) -> None:
    response = admin_client.put(
        BULK.format(project="default"), content="x", headers={"content-type": "text/plain"}
    )
    assert_error(response, 415)


@pytest.mark.parametrize("kind", UNPRIVILEGED)
def test_bulk_tags__without_update_feature__403_nothing_written(
    admin_client: TestClient,
    context: AppContext,
    new_client: Callable[[], TestClient],
    flags: list[str],
    kind: str,
) -> None:
    caller = make_kind(kind, context, admin_client, new_client)
    before = snapshot(context)
    response = caller.put(BULK.format(project="default"), json=body(flags, [TEAM_A]))
    assert_error(response, 403)
    assert snapshot(context) == before


@pytest.mark.parametrize("kind", ["editor", "service-admin", "admin-token"])
def test_bulk_tags__allowed_callers__200_event_names_caller(
    admin_client: TestClient,
    context: AppContext,
    new_client: Callable[[], TestClient],
    flags: list[str],
    kind: str,
) -> None:
    caller = make_kind(kind, context, admin_client, new_client)
    response = caller.put(BULK.format(project="default"), json=body(flags, [TEAM_A]))
    assert response.status_code == 200, response.text
    created_by = {(e.created_by, e.created_by_user_id) for e in events(context, "feature-tagged")}
    assert len(created_by) == 1
    if kind == "service-admin":
        assert next(iter(created_by))[0] == "sa-admin"
    if kind == "admin-token":
        assert next(iter(created_by))[1] == -42


def test_bulk_tags__project_member__200_elsewhere_403(
    admin_client: TestClient,
    context: AppContext,
    new_client: Callable[[], TestClient],
    flags: list[str],
) -> None:
    make_project(context, "other")
    create_flag(admin_client, "three", project="other")
    member = make_caller(context, new_client, "Viewer", projects={"other": MEMBER_ROLE_ID})
    ok = member.client.put(BULK.format(project="other"), json=body(["three"], [TEAM_A]))
    assert ok.status_code == 200, ok.text
    refused = member.client.put(BULK.format(project="default"), json=body(flags, [TEAM_A]))
    assert_error(refused, 403)
