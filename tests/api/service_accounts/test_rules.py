"""What a service account may and may not do."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from flagstaff.http.context import AppContext
from tests.api.service_accounts.helpers import BASE, bearer, create_account, create_token, in_days


@pytest.fixture
def admin_sa(
    admin_client: TestClient, new_client: Callable[[], TestClient]
) -> tuple[int, TestClient]:
    """An Admin service account and a client that calls with its token."""
    account = create_account(admin_client, "service-automation", role="Admin")
    token = create_token(admin_client, account["id"])
    caller = new_client()
    caller.headers.update(bearer(token["secret"]))
    return account["id"], caller


def test_service_account__password_login__same_401_as_wrong_password(
    admin_client: TestClient, new_client: Callable[[], TestClient]
) -> None:
    create_account(admin_client, "service-login")
    as_service = new_client().post(
        "/auth/simple/login", json={"username": "service-login", "password": "anything-at-all"}
    )
    wrong = new_client().post(
        "/auth/simple/login", json={"username": "admin", "password": "not-the-password"}
    )
    assert as_service.status_code == wrong.status_code == 401
    assert as_service.json()["message"] == wrong.json()["message"]
    assert as_service.json()["name"] == wrong.json()["name"] == "PasswordMismatch"


def test_admin_service_account__manages_other_service_accounts(
    admin_sa: tuple[int, TestClient],
) -> None:
    _, caller = admin_sa
    other = caller.post(BASE, json={"username": "service-other", "name": "O", "rootRole": 3})
    assert other.status_code == 201
    token = caller.post(
        f"{BASE}/{other.json()['id']}/token", json={"description": "x", "expiresAt": in_days(1)}
    )
    assert token.status_code == 201
    assert caller.put(f"{BASE}/{other.json()['id']}", json={"rootRole": 2}).status_code == 200
    assert caller.delete(f"{BASE}/{other.json()['id']}").status_code == 200


def test_service_account__creates_token_for_itself__403(admin_sa: tuple[int, TestClient]) -> None:
    own_id, caller = admin_sa
    response = caller.post(
        f"{BASE}/{own_id}/token", json={"description": "successor", "expiresAt": in_days(1)}
    )
    assert response.status_code == 403
    assert "itself" in response.json()["message"]


def test_service_account__changes_own_role_or_deletes_itself__403(
    admin_sa: tuple[int, TestClient],
) -> None:
    own_id, caller = admin_sa
    assert caller.put(f"{BASE}/{own_id}", json={"rootRole": 3}).status_code == 403
    assert caller.delete(f"{BASE}/{own_id}").status_code == 403
    assert caller.put(f"{BASE}/{own_id}", json={"name": "renamed"}).status_code == 200


def test_service_account__personal_tokens__403(admin_sa: tuple[int, TestClient]) -> None:
    _, caller = admin_sa
    assert caller.get("/api/admin/user/tokens").status_code == 403
    created = caller.post(
        "/api/admin/user/tokens", json={"description": "mine", "expiresAt": in_days(1)}
    )
    assert created.status_code == 403
    assert caller.delete("/api/admin/user/tokens/1").status_code == 403


def test_service_account__change_password__403(admin_sa: tuple[int, TestClient]) -> None:
    _, caller = admin_sa
    response = caller.post(
        "/api/admin/user/change-password",
        json={"password": "N3w-Passw0rd!x", "oldPassword": "whatever"},
    )
    assert response.status_code == 403


def test_username__immutable(admin_client: TestClient) -> None:
    account = create_account(admin_client)
    same = admin_client.put(f"{BASE}/{account['id']}", json={"username": "service-ci", "name": "N"})
    assert same.status_code == 200
    changed = admin_client.put(f"{BASE}/{account['id']}", json={"username": "service-new"})
    assert changed.status_code == 400
    assert admin_client.get(BASE).json()["serviceAccounts"][0]["username"] == "service-ci"


def test_username__taken_by_user_or_account__409(admin_client: TestClient) -> None:
    create_account(admin_client, "service-ci")
    again = admin_client.post(BASE, json={"username": "service-ci", "name": "x", "rootRole": 3})
    assert again.status_code == 409
    human = admin_client.post(BASE, json={"username": "admin", "name": "x", "rootRole": 3})
    assert human.status_code == 409


def test_user_admin__hides_service_accounts(admin_client: TestClient) -> None:
    account = create_account(admin_client)
    users = admin_client.get("/api/admin/user-admin").json()["users"]
    assert account["id"] not in [u["id"] for u in users]
    assert admin_client.get(f"/api/admin/user-admin/{account['id']}").status_code == 404
    assert admin_client.delete(f"/api/admin/user-admin/{account['id']}").status_code == 404
    access = admin_client.get("/api/admin/user-admin/access").json()["users"]
    kinds = {u["username"]: u["accountType"] for u in access}
    assert kinds == {"admin": "User", "service-ci": "Service Account"}


def test_admin_count__counts_admin_service_accounts(admin_client: TestClient) -> None:
    create_account(admin_client, "service-a", role="Admin")
    create_account(admin_client, "service-b", role="Viewer")
    counts = admin_client.get("/api/admin/user-admin/admin-count").json()
    assert counts["service"] == 1
    assert counts["password"] == 1


def test_custom_root_role__service_account_gets_exactly_its_permissions(
    admin_client: TestClient, new_client: Callable[[], TestClient], context: AppContext
) -> None:
    role = admin_client.post(
        "/api/admin/roles",
        json={
            "name": "Segment keeper",
            "type": "root-custom",
            "permissions": [{"name": "CREATE_SEGMENT"}, {"name": "UPDATE_SEGMENT"}],
        },
    )
    assert role.status_code == 200, role.text
    role_id = role.json()["roles"]["id"]
    account = create_account(admin_client, role=role_id)
    token = create_token(admin_client, account["id"])
    me = new_client().get("/api/admin/user", headers=bearer(token["secret"])).json()
    assert sorted(p["permission"] for p in me["permissions"]) == [
        "CREATE_SEGMENT",
        "UPDATE_SEGMENT",
    ]

    in_use = admin_client.delete(f"/api/admin/roles/{role_id}")
    assert in_use.status_code == 400
    assert "service-ci" in in_use.text


def test_rootrole__unknown_or_project_role__400(admin_client: TestClient) -> None:
    for role in (999, "Nope", 4, "Owner"):
        response = admin_client.post(BASE, json={"username": "s-x", "name": "x", "rootRole": role})
        assert response.status_code == 400, (role, response.text)
    assert admin_client.get(BASE).json()["serviceAccounts"] == []


def test_permissions_overview__lists_root_project_and_environment_rows(
    admin_client: TestClient,
) -> None:
    account = create_account(admin_client, role="Editor")
    response = admin_client.get(
        f"{BASE}/{account['id']}/permissions?project=default&environment=production"
    )
    assert response.status_code == 200
    body = response.json()
    assert body["serviceAccount"]["username"] == "service-ci"
    assert body["rootRole"]["name"] == "Editor"
    rows = {r["name"]: r["hasPermission"] for r in body["overview"]["root"]}
    assert rows["CREATE_PROJECT"] is True
    assert rows["READ_LOGS"] is False
    project = {r["name"]: r["hasPermission"] for r in body["overview"]["project"]}
    assert project["CREATE_FEATURE"] is True
    environment = {r["name"]: r["hasPermission"] for r in body["overview"]["environment"]}
    assert environment["UPDATE_FEATURE_ENVIRONMENT"] is True
    other = admin_client.get(f"{BASE}/{account['id']}/permissions?project=elsewhere").json()
    assert {r["name"]: r["hasPermission"] for r in other["overview"]["project"]}[
        "CREATE_FEATURE"
    ] is False


def test_permissions_overview__of_a_scoped_token__the_token_and_its_narrower_rows(
    admin_client: TestClient,
) -> None:
    account = create_account(admin_client, role="Editor")
    token = admin_client.post(
        f"{BASE}/{account['id']}/token",
        json={"description": "read", "expiresAt": in_days(30), "scopes": {"permissions": "read"}},
    ).json()
    response = admin_client.get(
        f"{BASE}/{account['id']}/permissions?project=default&tokenId={token['id']}"
    )
    assert response.status_code == 200
    body = response.json()
    assert body["token"]["id"] == token["id"]
    assert body["token"]["scopes"]["permissions"] == "read"
    project = {r["name"]: r["hasPermission"] for r in body["overview"]["project"]}
    assert project["CREATE_FEATURE"] is False
