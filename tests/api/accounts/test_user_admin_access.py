"""Who may call which user route: Admins everything, other accounts only the open ones."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

from flagstaff.http.context import AppContext
from tests.api.accounts.support import assert_error, counts, make_service_account
from tests.factories import make_user

BASE = "/api/admin/user-admin"
STRONG = "Str0ng-Enough!"

# (method, path with {id}, JSON body): every route that needs the ADMIN permission.
ADMIN_ONLY: list[tuple[str, str, dict[str, Any] | None]] = [
    ("GET", BASE, None),
    ("GET", f"{BASE}/admin-count", None),
    ("GET", f"{BASE}/{{id}}", None),
    ("POST", BASE, {"username": "made-by-non-admin", "rootRole": 3}),
    ("PUT", f"{BASE}/{{id}}", {"name": "changed"}),
    ("DELETE", f"{BASE}/{{id}}", None),
    ("POST", f"{BASE}/{{id}}/change-password", {"password": STRONG}),
]

OPEN_TO_ACCOUNTS: list[tuple[str, str, dict[str, Any] | None]] = [
    ("GET", "/api/admin/user", None),
    ("GET", f"{BASE}/search?q=a", None),
    ("GET", f"{BASE}/access", None),
    ("POST", f"{BASE}/validate-password", {"password": STRONG}),
]


def call(
    client: TestClient, method: str, path: str, body: dict[str, Any] | None, target: int
) -> Any:
    return client.request(method, path.format(id=target), json=body)


@pytest.mark.parametrize("role", ["Editor", "Viewer"])
@pytest.mark.parametrize(("method", "path", "body"), ADMIN_ONLY)
def test_admin_route__non_admin__403_naming_admin(
    user_client: Callable[..., TestClient],
    context: AppContext,
    role: str,
    method: str,
    path: str,
    body: dict[str, Any] | None,
) -> None:
    client = user_client(role=role)
    target = make_user(context, username="target")
    before = counts(context)

    response = call(client, method, path, body, target.id)

    assert response.status_code == 403
    assert_error(response.json(), "PermissionError")
    assert response.json()["permissions"] == ["ADMIN"]
    assert counts(context) == before


@pytest.mark.parametrize(("method", "path", "body"), ADMIN_ONLY + OPEN_TO_ACCOUNTS)
def test_user_route__no_credential__401(
    client: TestClient,
    context: AppContext,
    method: str,
    path: str,
    body: dict[str, Any] | None,
) -> None:
    target = make_user(context, username="target")
    before = counts(context)

    response = call(client, method, path, body, target.id)

    assert response.status_code == 401
    assert_error(response.json(), "AuthenticationRequired")
    assert counts(context) == before


@pytest.mark.parametrize(("method", "path", "body"), ADMIN_ONLY + OPEN_TO_ACCOUNTS)
def test_user_route__unknown_bearer__401(
    client: TestClient, method: str, path: str, body: dict[str, Any] | None
) -> None:
    response = client.request(
        method, path.format(id=1), json=body, headers={"Authorization": "Bearer nonsense"}
    )

    assert response.status_code == 401
    assert_error(response.json(), "UnauthorizedError")


@pytest.mark.parametrize("role", ["Admin", "Editor", "Viewer"])
@pytest.mark.parametrize(("method", "path", "body"), OPEN_TO_ACCOUNTS)
def test_open_route__any_role__200(
    user_client: Callable[..., TestClient],
    role: str,
    method: str,
    path: str,
    body: dict[str, Any] | None,
) -> None:
    response = call(user_client(role=role), method, path, body, 0)

    assert response.status_code == 200


def test_search__non_admin__no_role_or_login_counters(
    user_client: Callable[..., TestClient], context: AppContext
) -> None:
    make_user(context, username="findme", email="findme@example.com", role="Admin")

    hits = user_client(role="Viewer").get(f"{BASE}/search", params={"q": "findme"}).json()

    assert len(hits) == 1
    assert set(hits[0]) == {"id", "username", "email", "imageUrl", "seenAt", "accountType"}


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("GET", f"{BASE}/{{id}}", None),
        ("PUT", f"{BASE}/{{id}}", {"name": "changed"}),
        ("DELETE", f"{BASE}/{{id}}", None),
        ("POST", f"{BASE}/{{id}}/change-password", {"password": STRONG}),
    ],
)
def test_admin_route__service_account_id__404_untouched(
    admin_client: TestClient,
    context: AppContext,
    method: str,
    path: str,
    body: dict[str, Any] | None,
) -> None:
    sa_id = make_service_account(context)
    before = counts(context)

    response = call(admin_client, method, path, body, sa_id)

    assert response.status_code == 404
    assert_error(response.json(), "NotFoundError")
    assert counts(context) == before


def test_list__service_accounts__not_listed(admin_client: TestClient, context: AppContext) -> None:
    sa_id = make_service_account(context)

    users = admin_client.get(BASE).json()["users"]

    assert sa_id not in [u["id"] for u in users]
