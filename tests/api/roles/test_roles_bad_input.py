"""Bad input on every role endpoint: a 4xx in Unleash's error shape, and nothing written."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update

from flagstaff.accounts.models import LoginSession
from flagstaff.core import revision
from flagstaff.core.db import utcnow
from flagstaff.http.context import AppContext
from tests.api.roles.helpers import ROLES, create_role, event_types, role_body, role_names

ERROR_KEYS = {"id", "name", "message", "details"}

BAD_BODIES: list[tuple[str, Any]] = [
    ("empty object", {}),
    ("missing name", {"type": "custom", "permissions": []}),
    ("null name", {"name": None}),
    ("number name", {"name": 123}),
    ("list name", {"name": ["a"]}),
    ("empty name", {"name": ""}),
    ("blank name", {"name": "   "}),
    ("name over 255", {"name": "r" * 256}),
    ("NUL in name", {"name": "bad\x00name"}),
    ("number description", {"name": "ok", "description": 5}),
    ("huge description", {"name": "ok", "description": "d" * 10_001}),
    ("number type", {"name": "ok", "type": 1}),
    ("unknown type", {"name": "ok", "type": "superuser"}),
    ("permissions not a list", {"name": "ok", "permissions": "CREATE_FEATURE"}),
    ("permission not an object", {"name": "ok", "permissions": ["CREATE_FEATURE"]}),
    ("permission name a number", {"name": "ok", "permissions": [{"name": 7}]}),
    ("permission id a string", {"name": "ok", "permissions": [{"id": "7"}]}),
    ("permission id a float", {"name": "ok", "permissions": [{"id": 7.5}]}),
    ("permission id a bool", {"name": "ok", "permissions": [{"id": True}]}),
    (
        "environment a number",
        {"name": "ok", "permissions": [{"name": "UPDATE_FEATURE_ENVIRONMENT", "environment": 1}]},
    ),
    (
        "environment too long",
        {
            "name": "ok",
            "permissions": [{"name": "UPDATE_FEATURE_ENVIRONMENT", "environment": "e" * 101}],
        },
    ),
    (
        "NUL in environment",
        {
            "name": "ok",
            "permissions": [{"name": "UPDATE_FEATURE_ENVIRONMENT", "environment": "de\x00v"}],
        },
    ),
    ("permission name too long", {"name": "ok", "permissions": [{"name": "P" * 101}]}),
    ("too many permissions", {"name": "ok", "permissions": [{"name": "UPDATE_FEATURE"}] * 501}),
    ("unknown permission", {"name": "ok", "permissions": [{"name": "FLY"}]}),
    ("body is a list", [{"name": "ok"}]),
    ("body is a string", "ok"),
    ("body is null", None),
]


@pytest.fixture
def custom_role(admin_client: TestClient) -> Iterator[dict[str, Any]]:
    return create_role(admin_client, "Target", permissions=[{"name": "UPDATE_FEATURE"}])


def _assert_unleash_error(response: Any, status: int) -> None:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) >= ERROR_KEYS
    assert body["details"]
    assert all("message" in d for d in body["details"])


def _snapshot(client: TestClient, role_id: int) -> tuple[set[str], Any, list[str]]:
    return role_names(client), client.get(f"{ROLES}/{role_id}").json(), event_types(client)


@pytest.mark.parametrize("body", [pytest.param(b, id=name) for name, b in BAD_BODIES])
def test_role_endpoints__bad_body__400_nothing_written(
    admin_client: TestClient, custom_role: dict[str, Any], body: Any
) -> None:
    before = _snapshot(admin_client, custom_role["id"])
    endpoints = [
        ("POST", ROLES),
        ("PUT", f"{ROLES}/{custom_role['id']}"),
        ("POST", f"{ROLES}/validate"),
    ]

    for method, path in endpoints:
        response = admin_client.request(method, path, json=body)
        _assert_unleash_error(response, 400)

    assert _snapshot(admin_client, custom_role["id"]) == before


@pytest.mark.parametrize("role_id", ["x", 0, -3, 2_147_483_648, 10**30, 1.5, True])
def test_validate_role__bad_role_id__400(admin_client: TestClient, role_id: Any) -> None:
    response = admin_client.post(f"{ROLES}/validate", json={"name": "ok", "roleId": role_id})
    _assert_unleash_error(response, 400)


@pytest.mark.parametrize(
    "content_type", ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data"]
)
def test_role_endpoints__non_json_body__415_nothing_written(
    admin_client: TestClient, custom_role: dict[str, Any], content_type: str
) -> None:
    before = _snapshot(admin_client, custom_role["id"])
    endpoints = [("POST", ROLES), ("PUT", f"{ROLES}/7"), ("POST", f"{ROLES}/validate")]

    for method, path in endpoints:
        response = admin_client.request(
            method,
            path,
            content=json.dumps(role_body("Other")),
            headers={"content-type": content_type},
        )
        _assert_unleash_error(response, 415)
        assert response.json()["name"] == "ContentTypeError"

    assert _snapshot(admin_client, custom_role["id"]) == before


@pytest.mark.parametrize(("method", "path"), [("POST", ROLES), ("PUT", f"{ROLES}/7")])
def test_role_endpoints__invalid_json__400(
    admin_client: TestClient, custom_role: dict[str, Any], method: str, path: str
) -> None:
    response = admin_client.request(
        method, path, content=b'{"name": "x",', headers={"content-type": "application/json"}
    )
    _assert_unleash_error(response, 400)


@pytest.mark.parametrize(("method", "path"), [("POST", ROLES), ("PUT", f"{ROLES}/7")])
def test_role_endpoints__no_body__400(
    admin_client: TestClient, custom_role: dict[str, Any], method: str, path: str
) -> None:
    response = admin_client.request(method, path, headers={"content-type": "application/json"})
    _assert_unleash_error(response, 400)


@pytest.mark.parametrize(("method", "path"), [("POST", ROLES), ("PUT", f"{ROLES}/7")])
def test_role_endpoints__body_over_1_mb__413_nothing_written(
    admin_client: TestClient, custom_role: dict[str, Any], method: str, path: str
) -> None:
    before = _snapshot(admin_client, custom_role["id"])
    body = role_body("Huge", description="d" * (1024 * 1024 + 10))

    response = admin_client.request(method, path, json=body)

    _assert_unleash_error(response, 413)
    assert _snapshot(admin_client, custom_role["id"]) == before


def test_create_role__chunked_body_over_1_mb__413_nothing_written(
    admin_client: TestClient, custom_role: dict[str, Any]
) -> None:
    before = _snapshot(admin_client, custom_role["id"])
    payload = json.dumps(role_body("Huge", description="d" * (1024 * 1024 + 10))).encode()
    chunks = (payload[i : i + 65536] for i in range(0, len(payload), 65536))

    response = admin_client.post(
        ROLES, content=chunks, headers={"content-type": "application/json"}
    )

    _assert_unleash_error(response, 413)
    assert _snapshot(admin_client, custom_role["id"]) == before


@pytest.mark.parametrize("role_id", ["abc", "0", "-1", "2147483648", "1" * 40, "1e3", "%00"])
def test_role_by_id__malformed_id__400_nothing_written(
    admin_client: TestClient, custom_role: dict[str, Any], role_id: str
) -> None:
    before = _snapshot(admin_client, custom_role["id"])

    for method in ("GET", "PUT", "DELETE"):
        response = admin_client.request(method, f"{ROLES}/{role_id}", json=role_body("Other"))
        _assert_unleash_error(response, 400)

    assert _snapshot(admin_client, custom_role["id"]) == before


@pytest.mark.parametrize("method", ["PUT", "DELETE"])
def test_role_by_id__unknown_id__404_nothing_written(
    admin_client: TestClient, custom_role: dict[str, Any], method: str
) -> None:
    before = _snapshot(admin_client, custom_role["id"])

    response = admin_client.request(method, f"{ROLES}/2147483647", json=role_body("Other"))

    _assert_unleash_error(response, 404)
    assert _snapshot(admin_client, custom_role["id"]) == before


@pytest.mark.parametrize(("method", "path"), [("GET", ROLES), ("POST", ROLES)])
def test_roles__expired_session__401(
    context: AppContext,
    user_client: Callable[..., TestClient],
    admin_client: TestClient,
    method: str,
    path: str,
) -> None:
    user = user_client(role="Admin")
    user_id = user.get("/api/admin/user").json()["user"]["id"]
    with context.database.transaction() as session:
        session.execute(
            update(LoginSession)
            .where(LoginSession.account_id == user_id)
            .values(expires_at=utcnow() - timedelta(seconds=1))
        )
        revision.bump(session)
    context.watcher.check_now()

    response = user.request(method, path, json=role_body("Late"))

    _assert_unleash_error(response, 401)
    assert "Late" not in role_names(admin_client)


def test_roles__unknown_session_cookie__401(new_client: Callable[[], TestClient]) -> None:
    client = new_client()
    client.cookies.set("flagstaff-session", "not-a-session-we-issued")
    _assert_unleash_error(client.get(ROLES), 401)


def test_roles__bad_token__401(client: TestClient) -> None:
    response = client.get(ROLES, headers={"Authorization": "Bearer nonsense"})
    _assert_unleash_error(response, 401)
