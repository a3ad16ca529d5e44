from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient

from flagstaff.flags.environments.models import Environment
from flagstaff.http.context import AppContext
from flagstaff.rbac.permissions import PERMISSIONS, PermissionType

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


# What Unleash 8.2 answers for a fresh Editor (read from a running instance).
UNLEASH_EDITOR_ROOT = {
    *("CREATE_ADDON", "UPDATE_ADDON", "DELETE_ADDON"),
    *("CREATE_CONTEXT_FIELD", "UPDATE_CONTEXT_FIELD", "DELETE_CONTEXT_FIELD"),
    *("CREATE_SEGMENT", "UPDATE_SEGMENT", "DELETE_SEGMENT"),
    *("CREATE_STRATEGY", "UPDATE_STRATEGY", "DELETE_STRATEGY"),
    *("CREATE_TAG_TYPE", "UPDATE_TAG_TYPE", "DELETE_TAG_TYPE"),
    *("CREATE_PROJECT", "READ_CLIENT_API_TOKEN", "READ_FRONTEND_API_TOKEN"),
    *("RELEASE_PLAN_TEMPLATE_CREATE", "RELEASE_PLAN_TEMPLATE_UPDATE", "UPDATE_APPLICATION"),
}
UNLEASH_EDITOR_PROJECT = {
    *("CREATE_FEATURE", "UPDATE_FEATURE", "DELETE_FEATURE", "UPDATE_FEATURE_DEPENDENCY"),
    *("UPDATE_FEATURE_VARIANTS", "MOVE_FEATURE_TOGGLE", "UPDATE_PROJECT", "DELETE_PROJECT"),
    *("READ_PROJECT_API_TOKEN", "CREATE_PROJECT_API_TOKEN", "DELETE_PROJECT_API_TOKEN"),
}
UNLEASH_EDITOR_ENVIRONMENT = {
    *("CREATE_FEATURE_STRATEGY", "UPDATE_FEATURE_STRATEGY", "DELETE_FEATURE_STRATEGY"),
    *("UPDATE_FEATURE_ENVIRONMENT", "UPDATE_FEATURE_ENVIRONMENT_VARIANTS"),
}


def test_me__editor__same_rows_as_unleash(user_client: Callable[..., TestClient]) -> None:
    client = user_client(role="Editor")

    permissions = client.get(ME).json()["permissions"]

    root = [p for p in permissions if set(p) == {"permission"}]
    project = [p for p in permissions if set(p) == {"permission", "project"}]
    environment = [p for p in permissions if set(p) == {"permission", "project", "environment"}]
    assert len(root) + len(project) + len(environment) == len(permissions)
    assert {p["permission"] for p in root} == UNLEASH_EDITOR_ROOT
    assert len(root) == len(UNLEASH_EDITOR_ROOT)
    # A root role's project and environment permissions hold in project "default".
    assert {p["permission"] for p in project} == UNLEASH_EDITOR_PROJECT
    assert {p["project"] for p in project + environment} == {"default"}
    pairs = {(p["permission"], p["environment"]) for p in environment}
    assert pairs == {
        (permission, env)
        for permission in UNLEASH_EDITOR_ENVIRONMENT
        for env in ("development", "production")
    }
    assert len(environment) == len(pairs)
    assert all(kind(p["permission"]) == PermissionType.ROOT for p in root)


def test_me__new_environment__listed_for_editor(
    context: AppContext, user_client: Callable[..., TestClient]
) -> None:
    with context.database.transaction() as session:
        session.add(Environment(name="staging", type="test", sort_order=5))

    permissions = user_client(role="Editor").get(ME).json()["permissions"]

    assert {
        "project": "default",
        "environment": "staging",
        "permission": "UPDATE_FEATURE_ENVIRONMENT",
    } in permissions


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
