"""Reading roles and permissions: shapes, and who may read."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from flagstaff.rbac.permissions import PERMISSIONS, PermissionType
from tests.api.roles.helpers import ROLES, create_role

PREDEFINED = [
    (1, "Admin", "root"),
    (2, "Editor", "root"),
    (3, "Viewer", "root"),
    (4, "Owner", "project"),
    (5, "Member", "project"),
    (6, "Reader", "project"),
]
ROLE_KEYS = {"id", "type", "name", "description", "project"}
PERMISSION_KEYS = {"id", "name", "displayName", "type"}


@pytest.mark.parametrize("role", ["Admin", "Editor", "Viewer"])
def test_get_roles__any_account__version_and_predefined_roles(
    role: str, user_client: Callable[..., TestClient]
) -> None:
    response = user_client(role=role).get(ROLES)

    assert response.status_code == 200
    body = response.json()
    assert body["version"] == 1
    assert [(r["id"], r["name"], r["type"]) for r in body["roles"]] == PREDEFINED
    for listed in body["roles"]:
        assert set(listed) <= ROLE_KEYS
        assert isinstance(listed["description"], str)
        assert listed["description"]


def test_get_roles__custom_roles__listed_after_predefined(admin_client: TestClient) -> None:
    root = create_role(admin_client, "Segment keeper", type_="root-custom")
    project = create_role(admin_client, "Deployer", type_="custom")

    roles = admin_client.get(ROLES).json()["roles"]

    assert [(r["id"], r["name"], r["type"]) for r in roles[6:]] == [
        (root["id"], "Segment keeper", "root-custom"),
        (project["id"], "Deployer", "custom"),
    ]


def test_get_roles__anonymous__401(client: TestClient) -> None:
    response = client.get(ROLES)
    assert response.status_code == 401
    assert response.json()["name"] == "AuthenticationRequired"


def test_get_role__admin__admin_permission_as_root(admin_client: TestClient) -> None:
    response = admin_client.get(f"{ROLES}/1")

    assert response.status_code == 200
    assert response.json() == {
        "id": 1,
        "type": "root",
        "name": "Admin",
        "description": response.json()["description"],
        "permissions": [{"id": 1, "name": "ADMIN", "displayName": "Admin", "type": "root"}],
    }


def test_get_role__editor__permissions_of_every_level(
    user_client: Callable[..., TestClient],
) -> None:
    response = user_client(role="Viewer").get(f"{ROLES}/2")

    assert response.status_code == 200
    permissions = {p["name"]: p for p in response.json()["permissions"]}
    assert permissions["CREATE_SEGMENT"] == {
        "id": 31,
        "name": "CREATE_SEGMENT",
        "displayName": "Create segments",
        "type": "root",
    }
    assert permissions["CREATE_FEATURE"]["type"] == "project"
    assert "environment" not in permissions["CREATE_FEATURE"]
    assert permissions["UPDATE_FEATURE_ENVIRONMENT"] == {
        "id": 28,
        "name": "UPDATE_FEATURE_ENVIRONMENT",
        "displayName": "Enable/disable flags",
        "type": "environment",
        "environment": "*",
    }
    assert len(permissions) == 21 + 11 + 5


def test_get_role__environment_specific_permission__type_is_environment_name(
    admin_client: TestClient,
) -> None:
    role = create_role(
        admin_client,
        permissions=[{"name": "UPDATE_FEATURE_ENVIRONMENT", "environment": "production"}],
    )

    body = admin_client.get(f"{ROLES}/{role['id']}").json()

    assert body["permissions"] == [
        {
            "id": 28,
            "name": "UPDATE_FEATURE_ENVIRONMENT",
            "displayName": "Enable/disable flags",
            "type": "production",
            "environment": "production",
        }
    ]


def test_get_role__reader__no_permissions(admin_client: TestClient) -> None:
    body = admin_client.get(f"{ROLES}/6").json()
    assert (body["name"], body["type"], body["permissions"]) == ("Reader", "project", [])


def test_get_role__unknown_id__404(admin_client: TestClient) -> None:
    response = admin_client.get(f"{ROLES}/999")
    assert response.status_code == 404
    assert response.json()["name"] == "NotFoundError"


@pytest.mark.parametrize("role_id", ["abc", "0", "-1", "1.5", "99999999999", "2147483648"])
def test_get_role__invalid_id__400(admin_client: TestClient, role_id: str) -> None:
    response = admin_client.get(f"{ROLES}/{role_id}")
    assert response.status_code == 400, response.text
    assert response.json()["name"] == "BadDataError"


def test_get_role__largest_id__404(admin_client: TestClient) -> None:
    assert admin_client.get(f"{ROLES}/2147483647").status_code == 404


def test_get_role__anonymous__401(client: TestClient) -> None:
    assert client.get(f"{ROLES}/1").status_code == 401


def test_get_permissions__viewer__every_assignable_permission_by_level(
    user_client: Callable[..., TestClient],
) -> None:
    response = user_client(role="Viewer").get("/api/admin/permissions")

    assert response.status_code == 200
    body = response.json()
    assert body["version"] == 1
    levels = body["permissions"]
    environments = levels["environments"]
    assert [e["name"] for e in environments] == ["*"]
    listed = {
        "root": levels["root"],
        "project": levels["project"],
        "environment": environments[0]["permissions"],
    }
    for kind, rows in listed.items():
        expected = {
            name.value for name, info in PERMISSIONS.items() if info.type == PermissionType(kind)
        }
        assert {row["name"] for row in rows} == expected
        for row in rows:
            assert set(row) == PERMISSION_KEYS
            assert row["type"] == kind
            assert row["id"] == PERMISSIONS[row["name"]].id
    every = {row["name"] for rows in listed.values() for row in rows}
    assert every.isdisjoint({"ADMIN", "NONE", "CLIENT", "FRONTEND"})


def test_get_permissions__anonymous__401(client: TestClient) -> None:
    assert client.get("/api/admin/permissions").status_code == 401
