"""Deleting roles: custom ones only, and only when no one holds them."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from flagstaff.accounts.models import Account
from flagstaff.http.context import AppContext
from tests.api.roles.helpers import ROLES, assign_project_role, create_role, event_types
from tests.factories import make_user


def _service_account(context: AppContext, username: str, role_id: int) -> int:
    with context.database.transaction() as session:
        account = Account(username=username, name=username, is_service=True, root_role_id=role_id)
        session.add(account)
        session.flush()
        return account.id


def test_delete_role__unused_custom_role__200_gone_and_event(admin_client: TestClient) -> None:
    role = create_role(admin_client, "Deployer", permissions=[{"name": "UPDATE_FEATURE"}])

    response = admin_client.delete(f"{ROLES}/{role['id']}")

    assert response.status_code == 200
    assert response.content == b""
    assert admin_client.get(f"{ROLES}/{role['id']}").status_code == 404
    event = admin_client.get("/api/admin/search/events?type=role-deleted").json()["events"][0]
    assert event["data"] is None
    assert event["preData"]["name"] == "Deployer"
    assert event["preData"]["id"] == role["id"]


@pytest.mark.parametrize("role_id", [1, 2, 3, 4, 5, 6])
def test_delete_role__predefined__400_kept(admin_client: TestClient, role_id: int) -> None:
    response = admin_client.delete(f"{ROLES}/{role_id}")

    assert response.status_code == 400
    assert "built in" in response.json()["message"]
    assert admin_client.get(f"{ROLES}/{role_id}").status_code == 200


def test_delete_role__unknown_id__404(admin_client: TestClient) -> None:
    assert admin_client.delete(f"{ROLES}/999").status_code == 404


@pytest.mark.parametrize("role_id", ["abc", "0", "99999999999"])
def test_delete_role__invalid_id__400(admin_client: TestClient, role_id: str) -> None:
    assert admin_client.delete(f"{ROLES}/{role_id}").status_code == 400


def test_delete_role__held_by_user__400_lists_user(
    admin_client: TestClient, context: AppContext
) -> None:
    role = create_role(admin_client, "Keeper", type_="root-custom")
    user = make_user(context, role=role["id"], username="dana")

    response = admin_client.delete(f"{ROLES}/{role['id']}")

    assert response.status_code == 400
    error = response.json()
    assert error["name"] == "RoleInUseError"
    assert "1 user(s)" in error["message"]
    assert error["details"] == [{"message": "User: dana", "kind": "user", "id": str(user.id)}]
    assert admin_client.get(f"{ROLES}/{role['id']}").status_code == 200
    assert "role-deleted" not in event_types(admin_client)


def test_delete_role__held_by_service_account__400_lists_it(
    admin_client: TestClient, context: AppContext
) -> None:
    role = create_role(admin_client, "Keeper", type_="root-custom")
    account_id = _service_account(context, "svc-ci", role["id"])

    response = admin_client.delete(f"{ROLES}/{role['id']}")

    assert response.status_code == 400
    assert response.json()["details"] == [
        {"message": "Service account: svc-ci", "kind": "serviceAccount", "id": str(account_id)}
    ]


def test_delete_role__held_in_projects__400_lists_projects(
    admin_client: TestClient, context: AppContext
) -> None:
    role = create_role(admin_client, "Deployer", permissions=[{"name": "UPDATE_FEATURE"}])
    first = make_user(context)
    second = make_user(context)
    assign_project_role(context, first.id, "checkout", role["id"])
    assign_project_role(context, second.id, "checkout", role["id"])
    assign_project_role(context, first.id, "payments", role["id"])

    response = admin_client.delete(f"{ROLES}/{role['id']}")

    assert response.status_code == 400
    error = response.json()
    assert "3 project assignment(s)" in error["message"]
    assert error["details"] == [
        {
            "message": "Project checkout: held by 2 account(s)",
            "kind": "project",
            "project": "checkout",
        },
        {
            "message": "Project payments: held by 1 account(s)",
            "kind": "project",
            "project": "payments",
        },
    ]
    assert admin_client.get(f"{ROLES}/{role['id']}").status_code == 200


def test_delete_role__held_by_everyone__every_holder_listed(
    admin_client: TestClient, context: AppContext
) -> None:
    role = create_role(admin_client, "Keeper", type_="root-custom")
    make_user(context, role=role["id"], username="erin")
    _service_account(context, "svc-deploy", role["id"])

    response = admin_client.delete(f"{ROLES}/{role['id']}")

    message = response.json()["message"]
    assert "1 user(s)" in message
    assert "1 service account(s)" in message
    assert [d["kind"] for d in response.json()["details"]] == ["user", "serviceAccount"]


def test_delete_role__after_holder_moves_on__200(
    admin_client: TestClient, context: AppContext
) -> None:
    role = create_role(admin_client, "Keeper", type_="root-custom")
    user = make_user(context, role=role["id"])
    assert admin_client.delete(f"{ROLES}/{role['id']}").status_code == 400

    moved = admin_client.put(f"/api/admin/user-admin/{user.id}", json={"rootRole": "Viewer"})
    assert moved.status_code == 200, moved.text

    assert admin_client.delete(f"{ROLES}/{role['id']}").status_code == 200
