from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient

from flagstaff.core.db import utcnow
from flagstaff.http.context import AppContext
from flagstaff.http.deps import SESSION_COOKIE
from tests.api.accounts.support import (
    assert_error,
    counts,
    expire_sessions,
    session_count,
)
from tests.factories import PASSWORD, login, make_user

ME = "/api/admin/user"


def logged_in(
    context: AppContext, new_client: Callable[[], TestClient], username: str, role: str = "Viewer"
) -> tuple[int, TestClient]:
    user = make_user(context, username=username, role=role)
    return user.id, login(new_client(), username, PASSWORD)


def test_logout__with_session__ends_it(
    context: AppContext, new_client: Callable[[], TestClient]
) -> None:
    user_id, client = logged_in(context, new_client, "olga")
    cookie = client.cookies[SESSION_COOKIE]
    assert client.get(ME).status_code == 200

    response = client.post("/logout")

    assert response.status_code == 200
    assert session_count(context, user_id) == 0
    # The browser drops the cookie; a client that kept it is refused all the same.
    replay = new_client()
    replay.cookies.set(SESSION_COOKIE, cookie)
    refused = replay.get(ME)
    assert refused.status_code == 401
    assert_login_screen(refused.json())


def test_logout__clears_cookie(context: AppContext, new_client: Callable[[], TestClient]) -> None:
    _, client = logged_in(context, new_client, "pete")

    response = client.post("/logout")

    set_cookie = response.headers.get("set-cookie", "")
    assert set_cookie.startswith(f"{SESSION_COOKIE}=")
    assert "max-age=0" in set_cookie.lower() or "expires=" in set_cookie.lower()
    assert SESSION_COOKIE not in client.cookies


def test_logout__only_ends_own_session(
    context: AppContext, new_client: Callable[[], TestClient]
) -> None:
    make_user(context, username="quinn")
    first = login(new_client(), "quinn")
    second = login(new_client(), "quinn")

    first.post("/logout")

    assert first.get(ME).status_code == 401
    assert second.get(ME).status_code == 200


def test_logout__without_session__harmless(client: TestClient, context: AppContext) -> None:
    before = counts(context)

    response = client.post("/logout")

    assert response.status_code == 200
    assert counts(context) == before


def test_logout__unknown_cookie__harmless(client: TestClient, context: AppContext) -> None:
    client.cookies.set(SESSION_COOKIE, "not-a-session")

    response = client.post("/logout")

    assert response.status_code == 200


def test_logout__browser__redirected_to_login(
    context: AppContext, new_client: Callable[[], TestClient]
) -> None:
    _, client = logged_in(context, new_client, "rita")

    response = client.post("/logout", headers={"Accept": "text/html"}, follow_redirects=False)

    assert response.status_code == 303
    assert response.headers["location"] == "/login"


def test_session__expired__401(context: AppContext, new_client: Callable[[], TestClient]) -> None:
    user_id, client = logged_in(context, new_client, "sam")

    expire_sessions(context, user_id, utcnow() - timedelta(seconds=1))
    response = client.get(ME)

    assert response.status_code == 401
    assert_login_screen(response.json())


def test_session__unknown_cookie__401(client: TestClient) -> None:
    client.cookies.set(SESSION_COOKIE, "forged-value")

    response = client.get(ME)

    assert response.status_code == 401
    assert_login_screen(response.json())


def test_session__no_credential__401_authentication_required(client: TestClient) -> None:
    response = client.get(ME)

    assert response.status_code == 401
    assert_login_screen(response.json())


def test_session__user_deleted__ended_at_once(
    admin_client: TestClient, context: AppContext, new_client: Callable[[], TestClient]
) -> None:
    user_id, client = logged_in(context, new_client, "tina")
    assert client.get(ME).status_code == 200  # cached from here on

    deleted = admin_client.delete(f"/api/admin/user-admin/{user_id}")

    assert deleted.status_code == 200
    assert client.get(ME).status_code == 401
    assert session_count(context, user_id) == 0


def test_session__password_changed_by_admin__ended(
    admin_client: TestClient, context: AppContext, new_client: Callable[[], TestClient]
) -> None:
    user_id, client = logged_in(context, new_client, "uma")
    assert client.get(ME).status_code == 200

    changed = admin_client.post(
        f"/api/admin/user-admin/{user_id}/change-password", json={"password": "An0ther-Pass!"}
    )

    assert changed.status_code == 200
    assert client.get(ME).status_code == 401
    assert session_count(context, user_id) == 0
    assert login(new_client(), "uma", "An0ther-Pass!").get(ME).status_code == 200
    refused = new_client().post(
        "/auth/simple/login", json={"username": "uma", "password": PASSWORD}
    )
    assert refused.status_code == 401


def test_session__password_changed__other_users_keep_sessions(
    admin_client: TestClient, context: AppContext, new_client: Callable[[], TestClient]
) -> None:
    user_id, _ = logged_in(context, new_client, "vera")
    _, bystander = logged_in(context, new_client, "walt")

    admin_client.post(
        f"/api/admin/user-admin/{user_id}/change-password", json={"password": "An0ther-Pass!"}
    )

    assert bystander.get(ME).status_code == 200
    assert admin_client.get(ME).status_code == 200


def test_session__role_changed__permissions_follow_at_once(
    admin_client: TestClient, context: AppContext, new_client: Callable[[], TestClient]
) -> None:
    user_id, client = logged_in(context, new_client, "xena", role="Viewer")
    assert client.get("/api/admin/user-admin").status_code == 403

    updated = admin_client.put(f"/api/admin/user-admin/{user_id}", json={"rootRole": "Admin"})

    assert updated.status_code == 200
    assert client.get("/api/admin/user-admin").status_code == 200


def assert_login_screen(body: dict[str, Any]) -> None:
    """As Unleash answers a caller with no credential or a session that is gone: its web UI
    shows the password login from ``path``, ``type`` and ``defaultHidden``."""
    assert_error(body, "AuthenticationRequired")
    assert body["path"] == "/auth/simple/login"
    assert body["type"] == "password"
    assert body["defaultHidden"] is False


def test_session__no_credential_under_a_prefix__login_path_carries_it(app: FastAPI) -> None:
    """Behind a proxy (or the Unleash UI's prefix) that sets the ASGI root path, the login path
    is under it, as Unleash's is under its base path."""
    with TestClient(app, root_path="/unleash") as client:
        response = client.get(ME)

    assert response.status_code == 401
    assert response.json()["path"] == "/unleash/auth/simple/login"
