"""Writes to the API with the session cookie and another site's ``Origin`` are refused (403 in
Unleash's error shape); tokens, reads, same-origin requests and requests without ``Origin`` go
on as before."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from flagstaff.http.context import AppContext
from tests.api.credentials.api_tokens.helpers import auth, make_api_token
from tests.api.service_accounts.helpers import create_account, create_token

FEATURES = "/api/admin/projects/default/features"
EVIL = "https://evil.example"


def flag_names(client: TestClient) -> list[str]:
    return [f["name"] for f in client.get(FEATURES).json()["features"]]


def assert_refused(response: Any) -> None:
    assert response.status_code == 403, response.text
    body = response.json()
    assert set(body) == {"id", "name", "message", "details"}
    assert body["name"] == "OperationDeniedError"
    assert "another site" in body["message"]


@pytest.mark.parametrize("origin", [EVIL, "null", "http://testserver:8080", "https://testserver"])
def test_session_write__foreign_origin__403_and_nothing_changed(
    admin_client: TestClient, origin: str
) -> None:
    response = admin_client.post(FEATURES, json={"name": "f"}, headers={"Origin": origin})

    assert_refused(response)
    assert flag_names(admin_client) == []


@pytest.mark.parametrize("method", ["PUT", "PATCH", "DELETE"])
def test_session_write__other_methods_foreign_origin__403(
    admin_client: TestClient, method: str
) -> None:
    assert admin_client.post(FEATURES, json={"name": "f"}).status_code == 201
    body: Any = [] if method == "PATCH" else ({"description": "x"} if method == "PUT" else None)

    response = admin_client.request(method, f"{FEATURES}/f", json=body, headers={"Origin": EVIL})

    assert_refused(response)
    assert flag_names(admin_client) == ["f"]


@pytest.mark.parametrize(
    "headers",
    [{}, {"Origin": "http://testserver"}, {"Origin": "http://testserver:80"}],
    ids=["no origin", "same origin", "same origin, default port given"],
)
def test_session_write__same_or_no_origin__as_before(
    admin_client: TestClient, headers: dict[str, str]
) -> None:
    response = admin_client.post(FEATURES, json={"name": "f"}, headers=headers)

    assert response.status_code == 201, response.text


def test_session_read__foreign_origin__as_before(admin_client: TestClient) -> None:
    assert admin_client.get(FEATURES, headers={"Origin": EVIL}).status_code == 200


def test_token_writes__foreign_origin__as_before(
    admin_client: TestClient, client: TestClient, context: AppContext
) -> None:
    account = create_account(admin_client, "sa-writer", role="Admin")
    account_token = create_token(admin_client, account["id"])["secret"]
    admin_token = make_api_token(context, "admin", environment="*")

    answers = [
        client.post(
            FEATURES, json={"name": "by-sa"}, headers={**auth(account_token), "Origin": EVIL}
        ),
        client.post(
            FEATURES, json={"name": "by-admin"}, headers={**auth(admin_token), "Origin": EVIL}
        ),
    ]

    assert [a.status_code for a in answers] == [201, 201]


def test_session_write__behind_trusted_proxy__forwarded_origin_is_ours(
    admin_client: TestClient, context: AppContext
) -> None:
    forwarded = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "flags.example.com"}
    ours = {**forwarded, "Origin": "https://flags.example.com"}

    untrusted = admin_client.post(FEATURES, json={"name": "f1"}, headers=ours)
    context.settings.trust_proxy_headers = True
    trusted = admin_client.post(FEATURES, json={"name": "f2"}, headers=ours)
    foreign = admin_client.post(
        FEATURES, json={"name": "f3"}, headers={**forwarded, "Origin": EVIL}
    )

    assert_refused(untrusted)
    assert trusted.status_code == 201
    assert_refused(foreign)
