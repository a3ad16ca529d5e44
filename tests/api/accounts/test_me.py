from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient

from flagstaff.rbac.permissions import PERMISSIONS, PermissionType
from flagstaff.rbac.roles import PREDEFINED_BY_NAME

ME = "/api/admin/user"


def kind(name: str) -> PermissionType:
    return next(info.type for p, info in PERMISSIONS.items() if p.value == name)


def test_me__admin__shape_and_admin_permission(admin_client: TestClient) -> None:
    response = admin_client.get(ME)

    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"user", "permissions", "feedback", "splash"}
    assert body["feedback"] == []
    assert body["splash"] == {}
    assert body["permissions"] == [{"permission": "ADMIN"}]
    user = body["user"]
    assert user["username"] == "admin"
    assert user["rootRole"] == 1
    assert user["accountType"] == "User"
    assert user["activeSessions"] == 1
    assert isinstance(user["id"], int)


def test_me__editor__root_then_default_project_permissions(
    user_client: Callable[..., TestClient],
) -> None:
    client = user_client(role="Editor")

    permissions = client.get(ME).json()["permissions"]

    # Unleash scopes a root role's project and environment permissions to project "default".
    root = {p["permission"] for p in permissions if set(p) == {"permission"}}
    project = {p["permission"] for p in permissions if set(p) == {"permission", "project"}}
    environment = [p for p in permissions if "environment" in p]
    assert "ADMIN" not in root
    assert {"CREATE_PROJECT", "CREATE_SEGMENT", "UPDATE_APPLICATION"} <= root
    assert all(kind(p) == PermissionType.ROOT for p in root)
    assert {"CREATE_FEATURE", "UPDATE_FEATURE", "DELETE_FEATURE", "UPDATE_PROJECT"} <= project
    assert all(kind(p) == PermissionType.PROJECT for p in project)
    assert all(p["project"] == "default" for p in permissions if "project" in p)
    assert environment
    assert all(set(p) == {"permission", "project", "environment"} for p in environment)
    assert {p["permission"] for p in environment} >= {
        "CREATE_FEATURE_STRATEGY",
        "UPDATE_FEATURE_ENVIRONMENT",
    }
    assert all(kind(p["permission"]) == PermissionType.ENVIRONMENT for p in environment)
    editor = {p.value for p in PREDEFINED_BY_NAME["Editor"].permissions}
    assert {p["permission"] for p in permissions} == editor


def test_me__viewer__no_permissions(user_client: Callable[..., TestClient]) -> None:
    client = user_client(role="Viewer")

    body = client.get(ME).json()

    assert body["permissions"] == []
    assert body["user"]["rootRole"] == 3


def test_me__never_shows_password(user_client: Callable[..., TestClient]) -> None:
    client = user_client(role="Admin")

    text = client.get(ME).text

    assert "argon2" not in text
    assert "assword" not in text
