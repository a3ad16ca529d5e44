"""Who may use the playground: every account (Unleash's NONE permission) and admin API tokens;
SDK tokens are the wrong kind; nobody anonymous."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from tests.api.flags.support import create_flag
from tests.api.playground.support import ADVANCED, PLAYGROUND
from tests.api.service_accounts.helpers import bearer, create_account, create_token

SIMPLE_BODY = {"environment": "development", "context": {"appName": "web"}}
ADVANCED_BODY = {"environments": ["development"], "context": {"appName": "web"}}


def _both(client: TestClient, headers: dict[str, str] | None = None) -> tuple[int, int]:
    return (
        client.post(PLAYGROUND, json=SIMPLE_BODY, headers=headers).status_code,
        client.post(ADVANCED, json=ADVANCED_BODY, headers=headers).status_code,
    )


@pytest.mark.parametrize("role", ["Viewer", "Editor", "Admin"])
def test_any_user__200(
    admin_client: TestClient, user_client: Callable[..., TestClient], role: str
) -> None:
    create_flag(admin_client, "seen")
    caller = user_client(role)
    assert _both(caller) == (200, 200)
    names = [f["name"] for f in caller.post(PLAYGROUND, json=SIMPLE_BODY).json()["features"]]
    assert "seen" in names


def test_service_account_without_permissions__200(
    admin_client: TestClient, client: TestClient
) -> None:
    account = create_account(admin_client, "sa-viewer", role="Viewer")
    secret = create_token(admin_client, account["id"])["secret"]
    assert _both(client, bearer(secret)) == (200, 200)


def test_admin_api_token__200(admin_client: TestClient, client: TestClient) -> None:
    created = admin_client.post("/api/admin/api-tokens", json={"tokenName": "ops", "type": "admin"})
    assert created.status_code == 201, created.text
    assert _both(client, {"Authorization": created.json()["secret"]}) == (200, 200)


@pytest.mark.parametrize("kind", ["client", "frontend"])
def test_sdk_tokens__403(admin_client: TestClient, client: TestClient, kind: str) -> None:
    created = admin_client.post(
        "/api/admin/api-tokens",
        json={"tokenName": kind, "type": kind, "environment": "development"},
    )
    assert created.status_code == 201, created.text
    assert _both(client, {"Authorization": created.json()["secret"]}) == (403, 403)


def test_anonymous__401(client: TestClient) -> None:
    assert _both(client) == (401, 401)
