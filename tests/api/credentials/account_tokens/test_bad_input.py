"""The lifecycle routes with wrong types, missing fields, unknown ids, oversized values and the
wrong kind of token: a 4xx in Unleash's error shape, and nothing written."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

from flagstaff.http.context import AppContext
from tests.api.credentials.account_tokens.helpers import (
    BASE,
    assert_error,
    bearer,
    events_of,
    sa_with_token,
    tokens,
)


@pytest.mark.parametrize(
    "body",
    [{}, {"enabled": "yes"}, {"enabled": 1}, {"enabled": None}, [], "true"],
)
def test_self_rotation_switch__bad_body__400_nothing_changed(
    admin_client: TestClient, context: AppContext, body: Any
) -> None:
    account_id, token = sa_with_token(admin_client)
    response = admin_client.put(f"{BASE}/{account_id}/token/{token['id']}/self-rotation", json=body)
    assert_error(response, 400)
    assert tokens(admin_client, account_id)[0]["selfRotation"] is False
    assert events_of(context, "service-account-token-updated") == []


ID_ROUTES = [
    "{base}/{account}/token/{token}/disable",
    "{base}/{account}/token/{token}/enable",
    "{base}/{account}/token/{token}/rotate",
    "{base}/{account}/disable",
    "/api/admin/user/tokens/{token}/disable",
    "/api/admin/user/tokens/{token}/rotate",
    "/api/admin/tokens/{token}/disable",
    "/api/admin/user-admin/{account}/disable",
]
BAD_IDS = ["0", "-3", "x", "9" * 30]


def _id_cases() -> list[str]:
    cases = []
    for route in ID_ROUTES:
        for bad in BAD_IDS:
            if "{account}" in route:
                cases.append(route.format(base=BASE, account=bad, token="1"))
            if "{token}" in route:
                cases.append(route.format(base=BASE, account="1", token=bad))
    return cases


@pytest.mark.parametrize("url", _id_cases())
def test_ids__not_positive_integers__400(admin_client: TestClient, url: str) -> None:
    assert_error(admin_client.post(url), 400)


def test_self_rotation__of_a_revoked_token__409(admin_client: TestClient) -> None:
    account_id, token = sa_with_token(admin_client)
    admin_client.delete(f"{BASE}/{account_id}/token/{token['id']}")
    response = admin_client.put(
        f"{BASE}/{account_id}/token/{token['id']}/self-rotation", json={"enabled": True}
    )
    assert_error(response, 409)


def test_create_token__self_rotation_not_a_bool__400(admin_client: TestClient) -> None:
    account_id, _ = sa_with_token(admin_client)
    response = admin_client.post(
        f"{BASE}/{account_id}/token",
        json={"description": "x", "expiresAt": "2030-01-01T00:00:00Z", "selfRotation": "yes"},
    )
    assert_error(response, 400)
    assert len(tokens(admin_client, account_id)) == 1


def test_rotate__oversized_body__413(admin_client: TestClient) -> None:
    account_id, token = sa_with_token(admin_client)
    response = admin_client.post(
        f"{BASE}/{account_id}/token/{token['id']}/rotate",
        content=b'{"graceSeconds": 0, "pad": "' + b"x" * 2_000_000 + b'"}',
        headers={"content-type": "application/json"},
    )
    assert_error(response, 413)


def test_retired_filter__unknown_value__400(admin_client: TestClient) -> None:
    account_id, _ = sa_with_token(admin_client)
    assert_error(admin_client.get(f"{BASE}/{account_id}/token", params={"state": "gone"}), 400)
    assert_error(admin_client.get("/api/admin/user/tokens", params={"state": "all"}), 400)


def test_pat_routes__service_account_token__403(
    admin_client: TestClient, new_client: Callable[[], TestClient]
) -> None:
    _, token = sa_with_token(admin_client, role="Admin")
    caller = new_client()
    for method, path in (
        ("post", "/api/admin/user/tokens/1/rotate"),
        ("post", "/api/admin/user/tokens/1/disable"),
        ("put", "/api/admin/user/tokens/1/self-rotation"),
    ):
        response = caller.request(
            method.upper(), path, json={"enabled": True}, headers=bearer(token["secret"])
        )
        assert_error(response, 403, "service accounts cannot manage personal access tokens")
