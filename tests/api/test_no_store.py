"""``Cache-Control: no-store`` on every API answer that carries a session or a token: each new
secret, and every answer to a request made with a session or a token, errors included."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from flagstaff.http.context import AppContext
from tests.api.credentials.api_tokens.helpers import auth, make_api_token
from tests.api.service_accounts.helpers import BASE as SERVICE_ACCOUNTS
from tests.api.service_accounts.helpers import create_account, create_token, in_days
from tests.factories import PASSWORD, make_user


def assert_no_store(response: Any) -> None:
    assert response.headers.get_list("cache-control") == ["no-store"], response.headers


def test_login__session_cookie_set__no_store(client: TestClient, context: AppContext) -> None:
    make_user(context, username="ada")

    response = client.post("/auth/simple/login", json={"username": "ada", "password": PASSWORD})

    assert response.status_code == 200
    assert_no_store(response)


def test_logout__session_cookie_cleared__no_store(admin_client: TestClient) -> None:
    assert_no_store(admin_client.post("/logout"))


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/api/admin/user/tokens", {"description": "laptop", "expiresAt": in_days(30)}),
        ("/api/admin/api-tokens", {"tokenName": "ci", "type": "admin"}),
        ("/api/admin/api-tokens", {"tokenName": "sdk", "type": "client"}),
        ("/api/admin/api-tokens", {"tokenName": "web", "type": "frontend"}),
    ],
    ids=["personal token", "admin API token", "client API token", "frontend API token"],
)
def test_new_secret__in_the_answer__no_store(
    admin_client: TestClient, path: str, body: dict[str, Any]
) -> None:
    response = admin_client.post(path, json=body)

    assert response.status_code == 201, response.text
    assert "secret" in response.json()
    assert_no_store(response)


def test_new_service_account_token__and_its_rotation__no_store(admin_client: TestClient) -> None:
    account = create_account(admin_client, "sa-no-store")
    token = create_token(admin_client, account["id"])
    rotated = admin_client.post(
        f"{SERVICE_ACCOUNTS}/{account['id']}/token/{token['id']}/rotate", json={}
    )

    assert rotated.status_code == 201, rotated.text
    assert_no_store(rotated)


def test_session__reads_writes_and_errors__no_store(admin_client: TestClient) -> None:
    answers = [
        admin_client.get("/api/admin/user"),
        admin_client.post("/api/admin/projects/default/features", json={"name": "f"}),
        admin_client.get("/api/admin/projects/default/features/nope"),
        admin_client.get("/api/admin/no-such-route"),
    ]

    assert [a.status_code for a in answers] == [200, 201, 404, 404]
    for answer in answers:
        assert_no_store(answer)


def test_account_token__admin_api__no_store(admin_client: TestClient) -> None:
    account = create_account(admin_client, "sa-reader")
    secret = create_token(admin_client, account["id"])["secret"]

    assert_no_store(admin_client.get("/api/admin/user", headers=auth(secret)))


def test_api_tokens__sdk_and_admin_answers__no_store(
    client: TestClient, context: AppContext
) -> None:
    admin = make_api_token(context, "admin", environment="*")
    sdk = make_api_token(context, "client")
    frontend = make_api_token(context, "frontend")

    answers = [
        client.get("/api/admin/projects", headers=auth(admin)),
        client.get("/api/client/features", headers=auth(sdk)),
        client.get("/api/frontend", headers=auth(frontend)),
        client.get("/api/client/features", headers=auth("default:development.unknown0123456789")),
    ]

    assert [a.status_code for a in answers] == [200, 200, 200, 401]
    for answer in answers:
        assert_no_store(answer)


def test_no_credential__public_answers__left_alone(client: TestClient) -> None:
    assert "cache-control" not in client.get("/health").headers
    assert "cache-control" not in client.get("/api/admin/user").headers
