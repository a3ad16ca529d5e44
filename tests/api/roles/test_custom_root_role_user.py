"""A user with a custom root role holds exactly that role's permissions, and sees changes."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient

from tests.api.roles.helpers import ROLES, create_role, role_body


def _permissions(client: TestClient) -> list[dict[str, str]]:
    response = client.get("/api/admin/user")
    assert response.status_code == 200, response.text
    permissions: list[dict[str, str]] = response.json()["permissions"]
    return permissions


def test_me__custom_root_role__exactly_its_permissions(
    admin_client: TestClient, user_client: Callable[..., TestClient]
) -> None:
    role = create_role(
        admin_client,
        "Segment keeper",
        type_="root-custom",
        permissions=[{"name": "READ_LOGS"}, {"name": "CREATE_SEGMENT"}],
    )

    user = user_client(role=role["id"])

    assert _permissions(user) == [{"permission": "CREATE_SEGMENT"}, {"permission": "READ_LOGS"}]
    assert user.get("/api/admin/user").json()["user"]["rootRole"] == role["id"]


def test_me__custom_root_role_by_name__same_permissions(
    admin_client: TestClient, user_client: Callable[..., TestClient]
) -> None:
    create_role(
        admin_client, "Log reader", type_="root-custom", permissions=[{"name": "READ_LOGS"}]
    )
    assert _permissions(user_client(role="Log reader")) == [{"permission": "READ_LOGS"}]


def test_me__role_updated__holder_sees_new_permissions(
    admin_client: TestClient, user_client: Callable[..., TestClient]
) -> None:
    role = create_role(
        admin_client, "Keeper", type_="root-custom", permissions=[{"name": "READ_LOGS"}]
    )
    user = user_client(role=role["id"])
    assert _permissions(user) == [{"permission": "READ_LOGS"}]

    updated = admin_client.put(
        f"{ROLES}/{role['id']}",
        json=role_body("Keeper", type_="root-custom", permissions=[{"name": "UPDATE_CORS"}]),
    )
    assert updated.status_code == 200, updated.text

    assert _permissions(user) == [{"permission": "UPDATE_CORS"}]


def test_me__empty_custom_root_role__no_permissions_but_signed_in(
    admin_client: TestClient, user_client: Callable[..., TestClient]
) -> None:
    role = create_role(admin_client, "Nothing", type_="root-custom")
    user = user_client(role=role["id"])
    assert _permissions(user) == []
    assert user.get(ROLES).status_code == 200


def test_create_user__custom_project_role_as_root_role__400(admin_client: TestClient) -> None:
    role = create_role(admin_client, "Deployer", type_="custom")

    response = admin_client.post(
        "/api/admin/user-admin",
        json={"username": "frank", "rootRole": role["id"], "sendEmail": False},
    )

    assert response.status_code == 400
    assert all(
        u["username"] != "frank" for u in admin_client.get("/api/admin/user-admin").json()["users"]
    )
