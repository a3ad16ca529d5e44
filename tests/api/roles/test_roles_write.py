"""Creating, updating and validating custom roles."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.api.roles.helpers import ROLES, create_role, event_types, role_body, role_names

ENV_PERMISSION = "UPDATE_FEATURE_ENVIRONMENT"


def _permission_names(client: TestClient, role_id: int) -> list[tuple[str, str | None]]:
    body = client.get(f"{ROLES}/{role_id}").json()
    return [(p["name"], p.get("environment")) for p in body["permissions"]]


def test_create_role__custom_root_role__role_schema_and_event(admin_client: TestClient) -> None:
    response = admin_client.post(
        ROLES,
        json=role_body(
            "Segment keeper",
            type_="root-custom",
            permissions=[{"name": "CREATE_SEGMENT"}, {"name": "UPDATE_SEGMENT"}],
        ),
    )

    assert response.status_code == 200, response.text
    body = response.json()
    role = body["roles"]
    assert body["version"] == 1
    assert role == {
        "id": role["id"],
        "type": "root-custom",
        "name": "Segment keeper",
        "description": "A role made by a test",
        "project": None,
    }
    assert role["id"] > 6
    assert _permission_names(admin_client, role["id"]) == [
        ("CREATE_SEGMENT", None),
        ("UPDATE_SEGMENT", None),
    ]
    event = admin_client.get("/api/admin/search/events?type=IS:role-created").json()["events"][0]
    assert event["createdBy"] == "admin"
    assert event["data"]["name"] == "Segment keeper"
    assert event["data"]["permissions"] == [
        {"name": "CREATE_SEGMENT", "environment": None},
        {"name": "UPDATE_SEGMENT", "environment": None},
    ]
    assert event["preData"] is None


def test_create_role__custom_project_role__project_and_environment_permissions(
    admin_client: TestClient,
) -> None:
    role = create_role(
        admin_client,
        "Deployer",
        type_="custom",
        permissions=[
            {"name": "UPDATE_FEATURE"},
            {"name": ENV_PERMISSION, "environment": "development"},
            {"name": ENV_PERMISSION, "environment": "production"},
            {"name": "CREATE_FEATURE_STRATEGY", "environment": "*"},
        ],
    )

    assert role["type"] == "custom"
    assert _permission_names(admin_client, role["id"]) == [
        ("CREATE_FEATURE_STRATEGY", "*"),
        ("UPDATE_FEATURE", None),
        (ENV_PERMISSION, "development"),
        (ENV_PERMISSION, "production"),
    ]


def test_create_role__permissions_by_id__as_unleash_ui_sends(admin_client: TestClient) -> None:
    role = create_role(
        admin_client,
        permissions=[{"id": 7}, {"id": 28, "environment": "development"}],
    )
    assert _permission_names(admin_client, role["id"]) == [
        ("UPDATE_FEATURE", None),
        (ENV_PERMISSION, "development"),
    ]


def test_create_role__no_type__custom_project_role(admin_client: TestClient) -> None:
    role = create_role(admin_client, type_=None, permissions=[{"name": "CREATE_FEATURE"}])
    assert role["type"] == "custom"


def test_create_role__no_description_no_permissions__empty_role(admin_client: TestClient) -> None:
    response = admin_client.post(ROLES, json={"name": "Empty"})
    assert response.status_code == 200, response.text
    role = response.json()["roles"]
    assert role["description"] == ""
    assert _permission_names(admin_client, role["id"]) == []


def test_create_role__duplicate_permissions__stored_once(admin_client: TestClient) -> None:
    role = create_role(
        admin_client,
        permissions=[{"name": "UPDATE_FEATURE"}, {"id": 7}, {"name": "UPDATE_FEATURE"}],
    )
    assert _permission_names(admin_client, role["id"]) == [("UPDATE_FEATURE", None)]


@pytest.mark.parametrize(
    ("type_", "permission", "fragment"),
    [
        ("root-custom", {"name": "CREATE_FEATURE"}, "root permissions"),
        ("root-custom", {"name": ENV_PERMISSION, "environment": "production"}, "root permissions"),
        ("root-custom", {"name": "ADMIN"}, "cannot be part of a custom role"),
        ("root-custom", {"id": 1}, "cannot be part of a custom role"),
        ("root-custom", {"name": "CLIENT"}, "cannot be part of a custom role"),
        ("custom", {"name": "ADMIN"}, "cannot be part of a custom role"),
        ("custom", {"name": "NONE"}, "cannot be part of a custom role"),
        ("custom", {"name": "CREATE_SEGMENT"}, "project and environment permissions"),
        ("custom", {"name": ENV_PERMISSION}, "name an environment"),
        ("custom", {"name": ENV_PERMISSION, "environment": ""}, "name an environment"),
        ("custom", {"name": ENV_PERMISSION, "environment": "   "}, "name an environment"),
        ("custom", {"name": ENV_PERMISSION, "environment": None}, "name an environment"),
        ("custom", {"name": "MAKE_COFFEE"}, "Unknown permission"),
        ("custom", {"id": 9999}, "Unknown permission"),
        ("custom", {}, "Unknown permission"),
        ("custom", {"environment": "production"}, "Unknown permission"),
    ],
)
def test_create_role__permission_not_allowed__400_nothing_written(
    admin_client: TestClient,
    roles_before: set[str],
    type_: str,
    permission: dict[str, Any],
    fragment: str,
) -> None:
    response = admin_client.post(
        ROLES, json=role_body("Bad role", type_=type_, permissions=[permission])
    )

    assert response.status_code == 400, response.text
    assert response.json()["name"] == "BadDataError"
    assert fragment in response.json()["message"]
    assert role_names(admin_client) == roles_before


@pytest.mark.parametrize("type_", ["root", "project", "Root-Custom", "admin", ""])
def test_create_role__predefined_or_unknown_type__400(admin_client: TestClient, type_: str) -> None:
    response = admin_client.post(ROLES, json=role_body(type_=type_))
    assert response.status_code == 400, response.text


@pytest.mark.parametrize("name", ["Deployer", "Admin", "Owner", "  Deployer  "])
def test_create_role__name_taken__409(admin_client: TestClient, name: str) -> None:
    create_role(admin_client, "Deployer")

    response = admin_client.post(ROLES, json=role_body(name))

    assert response.status_code == 409, response.text
    assert response.json()["name"] == "NameExistsError"
    assert event_types(admin_client).count("role-created") == 1


def test_create_role__name_differs_in_case__allowed(admin_client: TestClient) -> None:
    create_role(admin_client, "Deployer")
    assert admin_client.post(ROLES, json=role_body("deployer")).status_code == 200


def test_create_role__name_255_chars__allowed(admin_client: TestClient) -> None:
    assert admin_client.post(ROLES, json=role_body("r" * 255)).status_code == 200


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("POST", ROLES),
        ("PUT", f"{ROLES}/1"),
        ("DELETE", f"{ROLES}/1"),
        ("POST", f"{ROLES}/validate"),
    ],
)
@pytest.mark.parametrize("role", ["Editor", "Viewer"])
def test_write_roles__not_admin__403_names_admin(
    user_client: Callable[..., TestClient],
    admin_client: TestClient,
    roles_before: set[str],
    role: str,
    method: str,
    path: str,
) -> None:
    body = role_body("Sneaky", type_="root-custom") if method != "DELETE" else None

    response = user_client(role=role).request(method, path, json=body)

    assert response.status_code == 403, response.text
    error = response.json()
    assert error["name"] == "PermissionError"
    assert error["permissions"] == ["ADMIN"]
    assert role_names(admin_client) == roles_before


def test_write_roles__custom_root_role_without_admin__403(
    admin_client: TestClient, user_client: Callable[..., TestClient]
) -> None:
    keeper = create_role(
        admin_client, "Role reader", type_="root-custom", permissions=[{"name": "READ_ROLE"}]
    )
    response = user_client(role=keeper["id"]).post(ROLES, json=role_body("Mine"))
    assert response.status_code == 403


@pytest.mark.parametrize(
    ("method", "path"), [("POST", ROLES), ("PUT", f"{ROLES}/7"), ("DELETE", f"{ROLES}/7")]
)
def test_write_roles__anonymous__401(client: TestClient, method: str, path: str) -> None:
    response = client.request(method, path, json=role_body())
    assert response.status_code == 401


def test_update_role__name_description_permissions__replaced_and_event(
    admin_client: TestClient,
) -> None:
    role = create_role(
        admin_client, "Deployer", permissions=[{"name": ENV_PERMISSION, "environment": "dev"}]
    )

    response = admin_client.put(
        f"{ROLES}/{role['id']}",
        json=role_body(
            "Releaser",
            description="Ships to production",
            permissions=[
                {"name": ENV_PERMISSION, "environment": "production"},
                {"name": "UPDATE_FEATURE"},
            ],
        ),
    )

    assert response.status_code == 200, response.text
    assert response.json() == {
        "version": 1,
        "roles": {
            "id": role["id"],
            "type": "custom",
            "name": "Releaser",
            "description": "Ships to production",
            "project": None,
        },
    }
    assert _permission_names(admin_client, role["id"]) == [
        ("UPDATE_FEATURE", None),
        (ENV_PERMISSION, "production"),
    ]
    event = admin_client.get("/api/admin/search/events?type=role-updated").json()["events"][0]
    assert event["preData"]["name"] == "Deployer"
    assert event["preData"]["permissions"] == [{"name": ENV_PERMISSION, "environment": "dev"}]
    assert event["data"]["name"] == "Releaser"


def test_update_role__same_permission_kept__no_conflict(admin_client: TestClient) -> None:
    permissions = [{"name": "UPDATE_FEATURE"}, {"name": ENV_PERMISSION, "environment": "dev"}]
    role = create_role(admin_client, permissions=permissions)

    response = admin_client.put(
        f"{ROLES}/{role['id']}",
        json=role_body(permissions=[*permissions, {"name": "CREATE_FEATURE"}]),
    )

    assert response.status_code == 200, response.text
    assert len(_permission_names(admin_client, role["id"])) == 3


def test_update_role__no_type__keeps_root_custom(admin_client: TestClient) -> None:
    role = create_role(admin_client, type_="root-custom", permissions=[{"name": "READ_LOGS"}])

    response = admin_client.put(
        f"{ROLES}/{role['id']}", json=role_body(type_=None, permissions=[{"name": "UPDATE_CORS"}])
    )

    assert response.status_code == 200, response.text
    assert response.json()["roles"]["type"] == "root-custom"


def test_update_role__type_changes__400_unchanged(admin_client: TestClient) -> None:
    role = create_role(admin_client, type_="root-custom", permissions=[{"name": "READ_LOGS"}])

    response = admin_client.put(
        f"{ROLES}/{role['id']}",
        json=role_body(type_="custom", permissions=[{"name": "UPDATE_FEATURE"}]),
    )

    assert response.status_code == 400
    assert _permission_names(admin_client, role["id"]) == [("READ_LOGS", None)]


def test_update_role__bad_permission__400_unchanged(admin_client: TestClient) -> None:
    role = create_role(admin_client, "Deployer", permissions=[{"name": "UPDATE_FEATURE"}])

    response = admin_client.put(
        f"{ROLES}/{role['id']}",
        json=role_body("Renamed", permissions=[{"name": "CREATE_SEGMENT"}]),
    )

    assert response.status_code == 400
    assert admin_client.get(f"{ROLES}/{role['id']}").json()["name"] == "Deployer"
    assert _permission_names(admin_client, role["id"]) == [("UPDATE_FEATURE", None)]
    assert "role-updated" not in event_types(admin_client)


def test_update_role__own_name__allowed(admin_client: TestClient) -> None:
    role = create_role(admin_client, "Deployer")
    response = admin_client.put(
        f"{ROLES}/{role['id']}", json=role_body("Deployer", description="x")
    )
    assert response.status_code == 200, response.text


@pytest.mark.parametrize("name", ["Other", "Editor"])
def test_update_role__name_of_another_role__409_unchanged(
    admin_client: TestClient, name: str
) -> None:
    create_role(admin_client, "Other")
    role = create_role(admin_client, "Deployer")

    response = admin_client.put(f"{ROLES}/{role['id']}", json=role_body(name))

    assert response.status_code == 409
    assert admin_client.get(f"{ROLES}/{role['id']}").json()["name"] == "Deployer"


@pytest.mark.parametrize("role_id", [1, 2, 3, 4, 5, 6])
def test_update_role__predefined__400_unchanged(admin_client: TestClient, role_id: int) -> None:
    before = admin_client.get(f"{ROLES}/{role_id}").json()

    response = admin_client.put(f"{ROLES}/{role_id}", json=role_body("Hijacked", type_=None))

    assert response.status_code == 400
    assert "built in" in response.json()["message"]
    assert admin_client.get(f"{ROLES}/{role_id}").json() == before


def test_update_role__unknown_id__404(admin_client: TestClient) -> None:
    assert admin_client.put(f"{ROLES}/999", json=role_body()).status_code == 404


def test_validate_role__free_name__200_nothing_written(
    admin_client: TestClient, roles_before: set[str]
) -> None:
    response = admin_client.post(f"{ROLES}/validate", json={"name": "Fresh"})
    assert response.status_code == 200
    assert response.content == b""
    assert role_names(admin_client) == roles_before


@pytest.mark.parametrize("name", ["Admin", "Deployer"])
def test_validate_role__taken_name__409(admin_client: TestClient, name: str) -> None:
    create_role(admin_client, "Deployer")
    response = admin_client.post(f"{ROLES}/validate", json={"name": name})
    assert response.status_code == 409


def test_validate_role__own_name_with_role_id__200(admin_client: TestClient) -> None:
    role = create_role(admin_client, "Deployer")
    response = admin_client.post(
        f"{ROLES}/validate", json={"name": "Deployer", "roleId": role["id"]}
    )
    assert response.status_code == 200, response.text


def test_validate_role__bad_permissions__400(admin_client: TestClient) -> None:
    response = admin_client.post(
        f"{ROLES}/validate",
        json=role_body("Fresh", type_="root-custom", permissions=[{"name": "CREATE_FEATURE"}]),
    )
    assert response.status_code == 400


@pytest.mark.parametrize(("role_id", "status"), [(999, 404), (1, 400)])
def test_validate_role__unknown_or_predefined_role_id__4xx(
    admin_client: TestClient, role_id: int, status: int
) -> None:
    response = admin_client.post(f"{ROLES}/validate", json={"name": "Fresh", "roleId": role_id})
    assert response.status_code == status
