from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update

from flagstaff.credentials.api_tokens.models import ApiToken
from flagstaff.http.context import AppContext
from tests.api.credentials.api_tokens.helpers import make_api_token, make_project
from tests.api.service_accounts.helpers import create_account, create_token

URL = "/edge/validate"


def _validate(client: TestClient, tokens: list[str], **headers: str) -> list[dict[str, Any]]:
    response = client.post(URL, json={"tokens": tokens}, headers=headers)
    assert response.status_code == 200, response.text
    found: list[dict[str, Any]] = response.json()["tokens"]
    return found


def test_validate__no_credentials_needed__as_unleash(client: TestClient) -> None:
    assert _validate(client, []) == []


def test_validate__api_tokens__type_projects_environment(
    client: TestClient, context: AppContext
) -> None:
    make_project(context, "web")
    backend = make_api_token(context, "client", environment="production", projects=["web"])
    frontend = make_api_token(context, "frontend", environment="development")
    admin = make_api_token(context, "admin", environment="*")
    assert _validate(client, [backend, frontend, admin]) == [
        {"token": backend, "type": "client", "projects": ["web"], "environment": "production"},
        {"token": frontend, "type": "frontend", "projects": ["*"], "environment": "development"},
        {"token": admin, "type": "admin", "projects": ["*"], "environment": "*"},
    ]


def test_validate__unknown_and_malformed__left_out(client: TestClient, context: AppContext) -> None:
    good = make_api_token(context)
    forged = good[:-4] + ("0000" if not good.endswith("0000") else "1111")
    tokens = [forged, "nope", "", "*:*.", "user:abc", good, good]
    assert [t["token"] for t in _validate(client, tokens)] == [good]


def test_validate__expired_token__left_out(client: TestClient, context: AppContext) -> None:
    secret = make_api_token(context, expires_at=datetime.now(UTC) + timedelta(days=1))
    with context.database.transaction() as session:
        session.execute(update(ApiToken).values(expires_at=datetime.now(UTC) - timedelta(days=1)))
    assert _validate(client, [secret]) == []


def test_validate__deleted_token__left_out(
    client: TestClient, admin_client: TestClient, context: AppContext
) -> None:
    secret = make_api_token(context)
    assert len(_validate(client, [secret])) == 1  # now cached
    assert admin_client.delete(f"/api/admin/api-tokens/{secret}").status_code == 200
    assert _validate(client, [secret]) == []


def test_validate__account_token__never_reported(
    client: TestClient, admin_client: TestClient
) -> None:
    account = create_account(admin_client, role="Admin")
    secret = create_token(admin_client, account["id"])["secret"]
    assert _validate(client, [secret]) == []


def test_validate__caller_credentials__grant_nothing_more(
    client: TestClient, context: AppContext
) -> None:
    admin = make_api_token(context, "admin", environment="*")
    other = make_api_token(context, name="other")
    # Only the tokens given are looked at; the caller's own is not added.
    assert _validate(client, [], Authorization=admin) == []
    assert [t["token"] for t in _validate(client, [other], Authorization=admin)] == [other]


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"tokens": "abc"},
        {"tokens": [1]},
        {"tokens": None},
        {"tokens": ["x" * 1025]},
        {"tokens": ["t"] * 1001},
        {"tokens": ["a\x00b"]},
        [],
    ],
)
def test_validate__bad_body__400(client: TestClient, body: Any) -> None:
    response = client.post(URL, json=body)
    assert response.status_code == 400, response.text
    assert set(response.json()) >= {"id", "name", "message", "details"}


def test_validate__not_json__400_or_415(client: TestClient) -> None:
    response = client.post(URL, content=b"tokens=x", headers={"content-type": "text/plain"})
    assert response.status_code in (400, 415)


def test_validate__documented(client: TestClient) -> None:
    paths = client.get("/docs/openapi.json").json()["paths"]
    assert paths[URL]["post"]["operationId"] == "getValidTokens"
