"""Project access: giving project roles to users and service accounts."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from flagstaff.http.context import AppContext
from flagstaff.rbac.models import ProjectRoleAssignment
from flagstaff.rbac.predefined import EDITOR_ROLE_ID, MEMBER_ROLE_ID, OWNER_ROLE_ID, READER_ROLE_ID
from tests.api.accounts.support import make_service_account
from tests.api.flags.support import (
    assert_error,
    events,
    make_caller,
    make_project,
    snapshot,
)
from tests.factories import make_user

ACCESS = "/api/admin/projects/{project}/access"


def roles_in(context: AppContext, project: str) -> set[tuple[int, int]]:
    with context.database.session(write=False) as session:
        rows = session.execute(
            select(ProjectRoleAssignment.account_id, ProjectRoleAssignment.role_id).where(
                ProjectRoleAssignment.project == project
            )
        ).all()
    return {(a, r) for a, r in rows}


@pytest.fixture
def checkout(context: AppContext) -> str:
    make_project(context, "checkout")
    return "checkout"


def test_add_access__user_and_service_account__roles_given_with_event(
    admin_client: TestClient, context: AppContext, checkout: str
) -> None:
    user = make_user(context)
    robot = make_service_account(context)
    response = admin_client.post(
        ACCESS.format(project=checkout),
        json={"roles": [MEMBER_ROLE_ID], "users": [{"id": user.id}, robot], "groups": []},
    )
    assert response.status_code == 200, response.text
    assert roles_in(context, checkout) == {(user.id, MEMBER_ROLE_ID), (robot, MEMBER_ROLE_ID)}
    [event] = events(context, "project-access-added")
    assert event.project == checkout
    body = admin_client.get(ACCESS.format(project=checkout)).json()
    assert {r["name"] for r in body["roles"]} >= {"Owner", "Member", "Reader"}
    by_id = {u["id"]: u for u in body["users"]}
    assert by_id[user.id]["roles"] == [MEMBER_ROLE_ID]
    assert by_id[robot]["accountType"] == "Service Account"
    assert body["groups"] == []


def test_member_in_project__can_work_there_only(
    admin_client: TestClient,
    context: AppContext,
    new_client: Callable[[], TestClient],
    checkout: str,
) -> None:
    viewer = make_caller(context, new_client, "Viewer")
    admin_client.post(
        ACCESS.format(project=checkout), json={"roles": [MEMBER_ROLE_ID], "users": [viewer.id]}
    )
    made = viewer.client.post(f"/api/admin/projects/{checkout}/features", json={"name": "mine"})
    assert made.status_code == 201, made.text
    elsewhere = viewer.client.post("/api/admin/projects/default/features", json={"name": "x"})
    assert_error(elsewhere, 403, "CREATE_FEATURE")


def test_set_roles__replaces_with_event(
    admin_client: TestClient, context: AppContext, checkout: str
) -> None:
    user = make_user(context)
    admin_client.post(
        ACCESS.format(project=checkout), json={"roles": [MEMBER_ROLE_ID], "users": [user.id]}
    )
    url = f"/api/admin/projects/{checkout}/users/{user.id}/roles"
    assert admin_client.put(url, json={"roles": [READER_ROLE_ID]}).status_code == 200
    assert (user.id, READER_ROLE_ID) in roles_in(context, checkout)
    assert (user.id, MEMBER_ROLE_ID) not in roles_in(context, checkout)
    [event] = events(context, "project-access-user-roles-updated")
    assert (event.pre_data["roles"], event.data["roles"]) == ([MEMBER_ROLE_ID], [READER_ROLE_ID])


def test_remove_user__roles_gone_with_event(
    admin_client: TestClient, context: AppContext, checkout: str
) -> None:
    user = make_user(context)
    admin_client.post(
        ACCESS.format(project=checkout), json={"roles": [MEMBER_ROLE_ID], "users": [user.id]}
    )
    response = admin_client.delete(f"/api/admin/projects/{checkout}/users/{user.id}/roles")
    assert response.status_code == 200
    assert all(account != user.id for account, _ in roles_in(context, checkout))
    assert len(events(context, "project-access-user-roles-deleted")) == 1


def test_last_owner__cannot_be_removed(
    context: AppContext, new_client: Callable[[], TestClient]
) -> None:
    editor = make_caller(context, new_client, "Editor")
    editor.client.post("/api/admin/projects", json={"id": "mine", "name": "Mine"})
    url = f"/api/admin/projects/mine/users/{editor.id}/roles"
    before = snapshot(context)
    assert_error(editor.client.put(url, json={"roles": [MEMBER_ROLE_ID]}), 400, "owner")
    assert_error(editor.client.delete(url), 400, "owner")
    assert snapshot(context) == before


@pytest.mark.parametrize(
    ("body", "status", "fragment"),
    [
        ({"users": [1]}, 400, "roles"),
        ({"roles": "4", "users": []}, 400, "roles"),
        ({"roles": [EDITOR_ROLE_ID], "users": []}, 400, "root role"),
        ({"roles": [999], "users": []}, 404, "999"),
        ({"roles": [MEMBER_ROLE_ID], "users": [99999]}, 404, "99999"),
        ({"roles": [MEMBER_ROLE_ID], "users": ["me"]}, 400, "users"),
        ({"roles": [MEMBER_ROLE_ID], "users": [], "groups": [1]}, 400, "groups"),
    ],
)
def test_add_access__bad_input__refused_nothing_written(
    admin_client: TestClient,
    context: AppContext,
    checkout: str,
    body: dict[str, Any],
    status: int,
    fragment: str,
) -> None:
    before = snapshot(context)
    assert_error(admin_client.post(ACCESS.format(project=checkout), json=body), status, fragment)
    assert snapshot(context) == before


def test_add_access__unknown_project__404(admin_client: TestClient, context: AppContext) -> None:
    user = make_user(context)
    response = admin_client.post(
        ACCESS.format(project="nope"), json={"roles": [MEMBER_ROLE_ID], "users": [user.id]}
    )
    assert_error(response, 404, "nope")


def test_set_roles__unknown_user__404(admin_client: TestClient, checkout: str) -> None:
    response = admin_client.put(
        f"/api/admin/projects/{checkout}/users/99999/roles", json={"roles": [MEMBER_ROLE_ID]}
    )
    assert_error(response, 404, "99999")


@pytest.mark.parametrize(
    ("role", "status"),
    [("Viewer", 403), ("Editor", 403)],
)
def test_access__without_project_access_permission__403(
    context: AppContext,
    new_client: Callable[[], TestClient],
    checkout: str,
    role: str,
    status: int,
) -> None:
    caller = make_caller(context, new_client, role)
    target = make_user(context)
    url = ACCESS.format(project=checkout)
    assert_error(caller.client.get(url), status, "PROJECT_USER_ACCESS_READ")
    response = caller.client.post(url, json={"roles": [MEMBER_ROLE_ID], "users": [target.id]})
    assert_error(response, status, "PROJECT_USER_ACCESS_WRITE")


def test_owner__manages_access_of_own_project(
    context: AppContext, new_client: Callable[[], TestClient], checkout: str
) -> None:
    owner = make_caller(context, new_client, "Viewer", {checkout: OWNER_ROLE_ID})
    target = make_user(context)
    response = owner.client.post(
        ACCESS.format(project=checkout), json={"roles": [MEMBER_ROLE_ID], "users": [target.id]}
    )
    assert response.status_code == 200, response.text
    assert owner.client.get(ACCESS.format(project=checkout)).status_code == 200


def test_granter__cannot_give_role_with_permission_they_lack(
    admin_client: TestClient,
    context: AppContext,
    new_client: Callable[[], TestClient],
    checkout: str,
) -> None:
    role = admin_client.post(
        "/api/admin/roles",
        json={
            "name": "Access keeper",
            "type": "custom",
            "permissions": [
                {"name": "PROJECT_USER_ACCESS_READ"},
                {"name": "PROJECT_USER_ACCESS_WRITE"},
                {"name": "UPDATE_FEATURE"},
            ],
        },
    )
    assert role.status_code == 200, role.text
    keeper_role = role.json()["roles"]["id"]
    keeper = make_caller(context, new_client, "Viewer", {checkout: keeper_role})
    target = make_user(context)
    url = ACCESS.format(project=checkout)
    before = snapshot(context)
    response = keeper.client.post(url, json={"roles": [MEMBER_ROLE_ID], "users": [target.id]})
    assert_error(response, 403, "CREATE_FEATURE")
    assert snapshot(context) == before
    same = keeper.client.post(url, json={"roles": [keeper_role], "users": [target.id]})
    assert same.status_code == 200, same.text
