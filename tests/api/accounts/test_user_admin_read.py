from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from flagstaff.http.context import AppContext
from flagstaff.rbac.predefined import ADMIN_ROLE_ID, EDITOR_ROLE_ID
from tests.api.accounts.support import assert_error, make_service_account
from tests.factories import UserHandle, make_user

BASE = "/api/admin/user-admin"


def test_list__admin__users_and_root_roles(
    admin_client: TestClient, context: AppContext, admin: UserHandle
) -> None:
    alice = make_user(context, username="alice", email="alice@example.com", name="Alice")
    make_service_account(context, "sa-hidden")

    response = admin_client.get(BASE)

    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"users", "rootRoles"}
    assert [u["id"] for u in body["users"]] == [admin.id, alice.id]
    listed = body["users"][1]
    assert listed["email"] == "alice@example.com"
    assert listed["name"] == "Alice"
    assert listed["rootRole"] == 3
    assert listed["accountType"] == "User"
    roles = {r["name"]: r for r in body["rootRoles"]}
    assert set(roles) == {"Admin", "Editor", "Viewer"}
    assert roles["Admin"]["id"] == ADMIN_ROLE_ID
    assert roles["Admin"]["type"] == "root"
    assert roles["Editor"]["description"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("ali", ["alice"]),
        ("ALICE", ["alice"]),
        ("example.org", ["bob"]),
        ("Builder", ["bob"]),
        ("", ["admin", "alice", "bob"]),
        ("zzz", []),
    ],
)
def test_search__query__matches_username_email_name(
    admin_client: TestClient, context: AppContext, query: str, expected: list[str]
) -> None:
    make_user(context, username="alice")
    make_user(context, username="bob", email="bob@example.org", name="Bob the Builder")
    make_service_account(context, "sa-alice")

    response = admin_client.get(f"{BASE}/search", params={"q": query})

    assert response.status_code == 200
    assert [u["username"] for u in response.json()] == expected


@pytest.mark.parametrize("wildcard", ["%", "_"])
def test_search__like_wildcards__taken_literally(
    admin_client: TestClient, context: AppContext, wildcard: str
) -> None:
    make_user(context, username="plain")

    response = admin_client.get(f"{BASE}/search", params={"q": wildcard})

    assert response.status_code == 200
    assert response.json() == []


def test_search__too_long_query__400(admin_client: TestClient) -> None:
    response = admin_client.get(f"{BASE}/search", params={"q": "x" * 256})

    assert response.status_code == 400
    assert_error(response.json(), "BadDataError")


def test_access__any_account__users_and_service_accounts_with_type(
    user_client: Callable[..., TestClient], context: AppContext
) -> None:
    client = user_client(role="Viewer", username="viewer")
    sa_id = make_service_account(context, "sa-robot")

    response = client.get(f"{BASE}/access")

    assert response.status_code == 200
    body = response.json()
    assert body["groups"] == []
    types = {u["id"]: u["accountType"] for u in body["users"]}
    assert types[sa_id] == "Service Account"
    assert "User" in types.values()


def test_admin_count__mixed_accounts__counts_each_kind(
    admin_client: TestClient, context: AppContext
) -> None:
    make_user(context, username="admin2", role="Admin")
    make_user(context, username="admin-nopass", role="Admin", password=None)
    make_user(context, username="editor", role="Editor")
    make_service_account(context, "sa-admin", role_id=ADMIN_ROLE_ID)
    make_service_account(context, "sa-editor", role_id=EDITOR_ROLE_ID)

    response = admin_client.get(f"{BASE}/admin-count")

    assert response.status_code == 200
    assert response.json() == {"password": 2, "noPassword": 1, "service": 1}


def test_get__existing_user__user_schema(admin_client: TestClient, context: AppContext) -> None:
    user = make_user(context, username="gus", email="gus@example.com", role="Editor")

    response = admin_client.get(f"{BASE}/{user.id}")

    assert response.status_code == 200
    body = response.json()
    assert body["id"] == user.id
    assert body["username"] == "gus"
    assert body["email"] == "gus@example.com"
    assert body["rootRole"] == EDITOR_ROLE_ID
    assert body["createdAt"].endswith("Z")
    assert body["seenAt"] is None
    assert "password" not in str(body).lower()


@pytest.mark.parametrize("user_id", ["999", "2147483647"])
def test_get__unknown_id__404(admin_client: TestClient, user_id: str) -> None:
    response = admin_client.get(f"{BASE}/{user_id}")

    assert response.status_code == 404
    assert_error(response.json(), "NotFoundError")


@pytest.mark.parametrize("user_id", ["abc", "1.5", "0", "-1", "2147483648", "9" * 40, "1e3"])
def test_get__malformed_id__400(admin_client: TestClient, user_id: str) -> None:
    response = admin_client.get(f"{BASE}/{user_id}")

    assert response.status_code == 400
    assert_error(response.json(), "BadDataError")


def test_get__service_account_id__404(admin_client: TestClient, context: AppContext) -> None:
    sa_id = make_service_account(context)

    response = admin_client.get(f"{BASE}/{sa_id}")

    assert response.status_code == 404
    assert_error(response.json(), "NotFoundError")
