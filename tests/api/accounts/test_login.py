from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient

from flagstaff.accounts.service import AccountService, NewUser
from flagstaff.events.service import SYSTEM
from flagstaff.http.context import AppContext
from flagstaff.http.deps import SESSION_COOKIE
from tests.api.accounts.support import assert_error, make_service_account
from tests.factories import PASSWORD, make_user

LOGIN = "/auth/simple/login"


def session_cookie_header(response: Any) -> str:
    headers: list[str] = [
        h for h in response.headers.get_list("set-cookie") if h.startswith(SESSION_COOKIE)
    ]
    assert len(headers) == 1, response.headers
    return headers[0]


def cookie_flags(header: str) -> set[str]:
    return {part.strip().split("=")[0].lower() for part in header.split(";")[1:]}


def test_login__by_username__sets_session_and_returns_user(
    client: TestClient, context: AppContext
) -> None:
    user = make_user(context, role="Editor", username="alice", name="Alice A")

    response = client.post(LOGIN, json={"username": "alice", "password": PASSWORD})

    assert response.status_code == 200
    body = response.json()
    assert body["id"] == user.id
    assert body["username"] == "alice"
    assert body["name"] == "Alice A"
    assert body["rootRole"] == 2
    assert body["accountType"] == "User"
    assert body["loginAttempts"] == 0
    assert body["imageUrl"].startswith("https://gravatar.com/avatar/")
    assert body["seenAt"] is not None
    assert body["createdAt"].endswith("Z")
    assert body["activeSessions"] == 1
    assert client.get("/api/admin/user").json()["user"]["id"] == user.id


def test_login__by_email_any_case__logs_in(client: TestClient, context: AppContext) -> None:
    user = make_user(context, username="bob", email="Bob@Example.com")

    response = client.post(LOGIN, json={"username": "BOB@example.COM", "password": PASSWORD})

    assert response.status_code == 200
    assert response.json()["id"] == user.id
    assert response.json()["email"] == "bob@example.com"


def test_login__user_with_only_email__logs_in(client: TestClient, context: AppContext) -> None:
    with context.database.transaction() as session:
        AccountService(session, context.passwords).create_user(
            SYSTEM,
            None,
            NewUser(
                username=None, email="carol@example.com", name=None, password=PASSWORD, root_role=3
            ),
        )

    response = client.post(LOGIN, json={"username": "carol@example.com", "password": PASSWORD})

    assert response.status_code == 200
    assert "username" not in response.json()


def test_login__success__cookie_is_httponly_lax_and_not_secure_on_http(
    client: TestClient, context: AppContext
) -> None:
    make_user(context, username="dave")

    response = client.post(LOGIN, json={"username": "dave", "password": PASSWORD})

    header = session_cookie_header(response)
    flags = cookie_flags(header)
    assert "httponly" in flags
    assert "samesite=lax" in header.lower()
    assert "secure" not in flags
    assert "path=/" in header.lower()


def test_login__over_https__cookie_is_secure(app: FastAPI, context: AppContext) -> None:
    make_user(context, username="erin")

    with TestClient(app, base_url="https://testserver") as secure_client:
        response = secure_client.post(LOGIN, json={"username": "erin", "password": PASSWORD})

    assert response.status_code == 200
    assert "secure" in cookie_flags(session_cookie_header(response))


def test_login__forwarded_https_with_trusted_proxy__cookie_is_secure(
    client: TestClient, context: AppContext
) -> None:
    make_user(context, username="fred")
    context.settings.trust_proxy_headers = True

    response = client.post(
        LOGIN,
        json={"username": "fred", "password": PASSWORD},
        headers={"X-Forwarded-Proto": "https"},
    )

    assert response.status_code == 200
    assert "secure" in cookie_flags(session_cookie_header(response))


def test_login__forwarded_https_without_trusted_proxy__cookie_is_not_secure(
    client: TestClient, context: AppContext
) -> None:
    make_user(context, username="gina")
    assert context.settings.trust_proxy_headers is False

    response = client.post(
        LOGIN,
        json={"username": "gina", "password": PASSWORD},
        headers={"X-Forwarded-Proto": "https"},
    )

    assert response.status_code == 200
    assert "secure" not in cookie_flags(session_cookie_header(response))


def test_login__wrong_password_and_unknown_user__identical_401(
    client: TestClient, context: AppContext
) -> None:
    make_user(context, username="hank")

    wrong = client.post(LOGIN, json={"username": "hank", "password": "Wrong-pass1!"})
    unknown = client.post(LOGIN, json={"username": "nobody", "password": "Wrong-pass1!"})

    assert wrong.status_code == unknown.status_code == 401
    assert_error(wrong.json(), "PasswordMismatch")
    assert_error(unknown.json(), "PasswordMismatch")
    assert wrong.json()["message"] == unknown.json()["message"]
    assert wrong.json()["details"] == unknown.json()["details"]
    assert SESSION_COOKIE not in wrong.cookies
    assert SESSION_COOKIE not in unknown.cookies


def test_login__service_account__refused_like_wrong_password(
    client: TestClient, context: AppContext
) -> None:
    make_service_account(context, "sa-bot")

    response = client.post(LOGIN, json={"username": "sa-bot", "password": ""})
    unknown = client.post(LOGIN, json={"username": "nobody", "password": ""})

    assert response.status_code == 401
    assert response.json()["name"] == unknown.json()["name"]
    assert response.json()["message"] == unknown.json()["message"]


def test_login__user_without_password__refused(client: TestClient, context: AppContext) -> None:
    make_user(context, username="nopass", password=None)

    response = client.post(LOGIN, json={"username": "nopass", "password": ""})

    assert response.status_code == 401
    assert_error(response.json(), "PasswordMismatch")
