"""Archiving and reviving projects (``/api/admin/projects/archive|revive/{projectId}``)."""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event

from flagstaff.http.context import AppContext
from flagstaff.rbac.predefined import MEMBER_ROLE_ID, OWNER_ROLE_ID
from tests.api.flags.caller_kinds import UNPRIVILEGED, make_kind
from tests.api.flags.support import (
    assert_error,
    create_flag,
    events,
    features_url,
    make_caller,
    make_project,
    snapshot,
)
from tests.factories import login

PROJECTS = "/api/admin/projects"
ARCHIVE = PROJECTS + "/archive/{project}"
REVIVE = PROJECTS + "/revive/{project}"
PARALLEL = 10


def project_ids(client: TestClient, query: str = "") -> list[str]:
    response = client.get(PROJECTS + query)
    assert response.status_code == 200, response.text
    return [p["id"] for p in response.json()["projects"]]


@pytest.fixture
def shop(context: AppContext) -> str:
    make_project(context, "shop")
    return "shop"


def test_archive__hidden_from_list_shown_with_archived_and_event(
    admin_client: TestClient, context: AppContext, shop: str
) -> None:
    response = admin_client.post(ARCHIVE.format(project=shop))
    assert response.status_code == 200, response.text
    assert project_ids(admin_client) == ["default"]
    assert project_ids(admin_client, "?archived=false") == ["default"]
    archived = admin_client.get(PROJECTS + "?archived=true").json()["projects"]
    assert [p["id"] for p in archived] == ["shop"]
    assert archived[0]["archivedAt"] is not None
    [event] = events(context, "project-archived")
    data: dict[str, Any] = event.data or {}
    assert (event.project, data["id"], event.created_by) == ("shop", "shop", "admin")
    assert data["archivedAt"] == archived[0]["archivedAt"]


def test_revive__listed_again_and_event(
    admin_client: TestClient, context: AppContext, shop: str
) -> None:
    admin_client.post(ARCHIVE.format(project=shop))
    response = admin_client.post(REVIVE.format(project=shop))
    assert response.status_code == 200, response.text
    assert project_ids(admin_client) == ["default", "shop"]
    assert project_ids(admin_client, "?archived=true") == []
    assert admin_client.get(f"{PROJECTS}/shop").json()["archivedAt"] is None
    [event] = events(context, "project-revived")
    assert event.project == "shop"
    before: dict[str, Any] = event.pre_data or {}
    after: dict[str, Any] = event.data or {}
    assert (before["archivedAt"] is not None, after["archivedAt"]) == (True, None)
    create_flag(admin_client, "after-revive", project=shop)


def test_archive__active_flag__403_nothing_written(
    admin_client: TestClient, context: AppContext, shop: str
) -> None:
    create_flag(admin_client, "live", project=shop)
    before = snapshot(context)
    response = admin_client.post(ARCHIVE.format(project=shop))
    assert_error(response, 403, "You can not archive a project with active feature flags")
    assert snapshot(context) == before
    assert project_ids(admin_client) == ["default", "shop"]


def test_archive__only_archived_flags__allowed(admin_client: TestClient, shop: str) -> None:
    create_flag(admin_client, "old", project=shop)
    assert admin_client.delete(features_url(shop, "old")).status_code == 202
    assert admin_client.post(ARCHIVE.format(project=shop)).status_code == 200


def test_archive__default_project__403(admin_client: TestClient, context: AppContext) -> None:
    before = snapshot(context)
    response = admin_client.post(ARCHIVE.format(project="default"))
    assert_error(response, 403, "default project")
    assert snapshot(context) == before


@pytest.mark.parametrize(
    ("path", "status"),
    [
        (ARCHIVE.format(project="nosuch"), 404),
        (REVIVE.format(project="nosuch"), 404),
        (ARCHIVE.format(project="x" * 101), 400),
        (REVIVE.format(project="x" * 101), 400),
        (ARCHIVE.format(project="a%00b"), 400),
        (REVIVE.format(project="a%00b"), 400),
        (REVIVE.format(project="default"), 409),
    ],
)
def test_archive_revive__unknown_oversized_or_active__refused(
    admin_client: TestClient, context: AppContext, path: str, status: int
) -> None:
    before = snapshot(context)
    assert_error(admin_client.post(path), status)
    assert snapshot(context) == before


def test_archive__twice__409(admin_client: TestClient, context: AppContext, shop: str) -> None:
    admin_client.post(ARCHIVE.format(project=shop))
    before = snapshot(context)
    assert_error(admin_client.post(ARCHIVE.format(project=shop)), 409, "already archived")
    assert snapshot(context) == before


def test_create_flag__archived_project__404_nothing_written(
    admin_client: TestClient, context: AppContext, shop: str
) -> None:
    admin_client.post(ARCHIVE.format(project=shop))
    before = snapshot(context)
    response = admin_client.post(features_url(shop), json={"name": "late"})
    assert_error(response, 404, "Active project with id shop does not exist")
    assert snapshot(context) == before


def test_get_projects__archived_not_a_boolean__400(admin_client: TestClient) -> None:
    assert_error(admin_client.get(PROJECTS + "?archived=maybe"), 400)


@pytest.mark.parametrize("kind", [*UNPRIVILEGED, "editor"])
def test_archive_revive__without_project_permission__403(
    kind: str,
    context: AppContext,
    admin_client: TestClient,
    new_client: Callable[[], TestClient],
    shop: str,
) -> None:
    caller = make_kind(kind, context, admin_client, new_client)
    before = snapshot(context)
    assert_error(caller.post(ARCHIVE.format(project=shop)), 403)
    assert snapshot(context) == before
    admin_client.post(ARCHIVE.format(project=shop))
    before = snapshot(context)
    assert_error(caller.post(REVIVE.format(project=shop)), 403)
    assert snapshot(context) == before


def test_archive_revive__project_owner__allowed_member__refused(
    context: AppContext, new_client: Callable[[], TestClient], shop: str
) -> None:
    member = make_caller(context, new_client, "Viewer", {shop: MEMBER_ROLE_ID})
    assert_error(member.client.post(ARCHIVE.format(project=shop)), 403, "DELETE_PROJECT")
    owner = make_caller(context, new_client, "Viewer", {shop: OWNER_ROLE_ID})
    assert owner.client.post(ARCHIVE.format(project=shop)).status_code == 200
    assert owner.client.post(REVIVE.format(project=shop)).status_code == 200


@pytest.mark.parametrize("kind", ["service-admin", "admin-token"])
def test_archive_revive__admin_kinds__200(
    kind: str,
    context: AppContext,
    admin_client: TestClient,
    new_client: Callable[[], TestClient],
    shop: str,
) -> None:
    caller = make_kind(kind, context, admin_client, new_client)
    assert caller.post(ARCHIVE.format(project=shop)).status_code == 200
    assert caller.post(REVIVE.format(project=shop)).status_code == 200


@pytest.fixture
def slow_count(context: AppContext) -> Iterator[None]:
    """Widens the window between archiving's count of active flags and its commit."""
    engine = context.database.engine

    def pause(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if "count(" in statement.lower() and "FROM features" in statement:
            time.sleep(0.05)

    event.listen(engine, "after_cursor_execute", pause)
    yield
    event.remove(engine, "after_cursor_execute", pause)


def test_archive_racing_flag_creations__never_archived_with_active_flags(
    admin_client: TestClient,
    new_client: Callable[[], TestClient],
    context: AppContext,
    shop: str,
    slow_count: None,
) -> None:
    clients = [login(new_client(), "admin") for _ in range(PARALLEL)]
    start = threading.Barrier(PARALLEL)

    def act(n: int) -> tuple[str, int]:
        start.wait()
        if n == 0:
            return "archive", clients[n].post(ARCHIVE.format(project=shop)).status_code
        response = clients[n].post(features_url(shop), json={"name": f"race-{n}"})
        return "create", response.status_code

    with ThreadPoolExecutor(PARALLEL) as pool:
        outcomes = Counter(pool.map(act, range(PARALLEL)))

    created = outcomes[("create", 201)]
    assert outcomes[("create", 201)] + outcomes[("create", 404)] == PARALLEL - 1
    archived = project_ids(admin_client, "?archived=true") == [shop]
    assert archived == (outcomes[("archive", 200)] == 1)
    assert archived == (created == 0)
    assert len(events(context, "feature-created")) == created


def test_revive_flag__archived_project__404_nothing_written(
    admin_client: TestClient, context: AppContext, shop: str
) -> None:
    create_flag(admin_client, "sleeper", project=shop)
    assert admin_client.delete(features_url(shop, "sleeper")).status_code == 202
    admin_client.post(ARCHIVE.format(project=shop))
    before = snapshot(context)
    response = admin_client.post("/api/admin/archive/revive/sleeper")
    assert_error(response, 404, "Active project with id shop does not exist")
    assert snapshot(context) == before
    admin_client.post(REVIVE.format(project=shop))
    assert admin_client.post("/api/admin/archive/revive/sleeper").status_code == 200
