"""``GET /api/admin/user/profile`` and ``GET /api/admin/user/roles``: the caller's own view."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from flagstaff.events.service import SYSTEM
from flagstaff.flags.projects.service import ProjectService
from flagstaff.http.context import AppContext
from flagstaff.rbac.predefined import MEMBER_ROLE_ID, OWNER_ROLE_ID
from tests.api.flags.caller_kinds import make_kind
from tests.api.flags.support import assert_error, make_caller, make_project

PROFILE = "/api/admin/user/profile"
ROLES = "/api/admin/user/roles"


def test_profile__user__root_role_projects_and_empty_lists(
    context: AppContext, new_client: Callable[[], TestClient]
) -> None:
    for project in ("shop", "zoo", "attic"):
        make_project(context, project)
    caller = make_caller(
        context,
        new_client,
        "Editor",
        {"zoo": MEMBER_ROLE_ID, "shop": OWNER_ROLE_ID, "attic": MEMBER_ROLE_ID},
    )
    assert caller.client.post("/api/admin/projects/archive/attic").status_code == 403
    with context.database.transaction() as session:
        ProjectService(session).archive(SYSTEM, "attic")
    response = caller.client.get(PROFILE)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body == {
        "rootRole": {
            "id": body["rootRole"]["id"],
            "name": "Editor",
            "type": "root",
            "description": body["rootRole"]["description"],
        },
        "projects": ["default", "shop", "zoo"],
        "groups": [],
        "subscriptions": [],
        "features": [],
        "canChangePassword": True,
    }


def test_profile__service_account__no_password_to_change(
    context: AppContext, admin_client: TestClient, new_client: Callable[[], TestClient]
) -> None:
    body = make_kind("service-viewer", context, admin_client, new_client).get(PROFILE).json()
    assert (body["rootRole"]["name"], body["canChangePassword"]) == ("Viewer", False)
    assert body["projects"] == ["default"]


def test_profile_and_roles__admin_api_token__400_no_user(
    context: AppContext, admin_client: TestClient, new_client: Callable[[], TestClient]
) -> None:
    token = make_kind("admin-token", context, admin_client, new_client)
    assert_error(token.get(PROFILE), 400, "User id is missing")
    assert_error(token.get(f"{ROLES}?projectId=default"), 400, "User id is missing")


@pytest.mark.parametrize("kind", ["client-token", "frontend-token"])
def test_profile_and_roles__sdk_tokens__403(
    kind: str,
    context: AppContext,
    admin_client: TestClient,
    new_client: Callable[[], TestClient],
) -> None:
    caller = make_kind(kind, context, admin_client, new_client)
    assert_error(caller.get(PROFILE), 403)
    assert_error(caller.get(f"{ROLES}?projectId=default"), 403)


def test_profile_and_roles__anonymous__401(client: TestClient) -> None:
    assert_error(client.get(PROFILE), 401)
    assert_error(client.get(f"{ROLES}?projectId=default"), 401)


def test_roles__root_role_and_project_roles_there(
    context: AppContext, new_client: Callable[[], TestClient]
) -> None:
    make_project(context, "shop")
    caller = make_caller(context, new_client, "Viewer", {"shop": MEMBER_ROLE_ID})
    response = caller.client.get(f"{ROLES}?projectId=shop")
    assert response.status_code == 200, response.text
    roles = response.json()["roles"]
    assert response.json()["version"] == 1
    assert [(r["name"], r["type"], r["project"]) for r in roles] == [
        ("Viewer", "root", "default"),
        ("Member", "project", "shop"),
    ]
    assert set(roles[0]) == {"id", "name", "type", "project", "description"}
    others = caller.client.get(f"{ROLES}?projectId=default").json()["roles"]
    assert [r["name"] for r in others] == ["Viewer"]


@pytest.mark.parametrize(
    ("query", "status"),
    [
        ("", 400),
        ("?projectId=", 400),
        ("?projectId=nosuch", 404),
        ("?projectId=a%00b", 400),
        ("?projectId=" + "x" * 101, 400),
    ],
)
def test_roles__missing_unknown_or_oversized_project__refused(
    admin_client: TestClient, query: str, status: int
) -> None:
    assert_error(admin_client.get(ROLES + query), status)
