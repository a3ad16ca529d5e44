"""Roles and the event log for every kind of caller: session, account token, API token, none."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from flagstaff.http.context import AppContext
from tests.api.credentials.api_tokens.helpers import make_api_token
from tests.api.roles.helpers import ROLES, role_body
from tests.api.service_accounts.helpers import bearer, create_account, create_token

CALLERS = [
    "admin-session",
    "viewer-session",
    "admin-service-account",
    "editor-service-account",
    "admin-api-token",
    "client-api-token",
    "frontend-api-token",
    "anonymous",
]

# caller -> (read roles, create role, search events, list events)
EXPECTED = {
    "admin-session": (200, 200, 200, 200),
    "viewer-session": (200, 403, 200, 403),
    "admin-service-account": (200, 200, 200, 200),
    "editor-service-account": (200, 403, 200, 403),
    "admin-api-token": (200, 200, 200, 200),
    "client-api-token": (403, 403, 403, 403),
    "frontend-api-token": (403, 403, 403, 403),
    "anonymous": (401, 401, 401, 401),
}


@pytest.fixture
def caller(
    request: pytest.FixtureRequest,
    admin_client: TestClient,
    user_client: Callable[..., TestClient],
    new_client: Callable[[], TestClient],
    context: AppContext,
) -> TestClient:
    kind: str = request.param
    if kind == "admin-session":
        return admin_client
    if kind == "viewer-session":
        return user_client(role="Viewer")
    client = new_client()
    if kind.endswith("service-account"):
        role = "Admin" if kind.startswith("admin") else "Editor"
        account = create_account(admin_client, f"svc-{role.lower()}", role=role)
        client.headers.update(bearer(create_token(admin_client, account["id"])["secret"]))
    elif kind.endswith("api-token"):
        token_type = kind.removesuffix("-api-token")
        environment = "*" if token_type == "admin" else "development"
        client.headers["Authorization"] = make_api_token(
            context, token_type, environment=environment, name=f"{token_type}-token"
        )
    return client


@pytest.mark.parametrize("caller", CALLERS, indirect=True)
def test_roles_and_events__each_caller__expected_statuses(
    caller: TestClient, request: pytest.FixtureRequest
) -> None:
    kind = request.node.callspec.params["caller"]

    statuses = (
        caller.get(ROLES).status_code,
        caller.post(ROLES, json=role_body(f"Made by {kind}")).status_code,
        caller.get("/api/admin/search/events").status_code,
        caller.get("/api/admin/events").status_code,
    )

    assert statuses == EXPECTED[kind]


@pytest.mark.parametrize(
    ("caller", "created_by", "user_id"),
    [
        ("admin-service-account", "svc-admin", None),
        ("admin-api-token", "admin-token", -42),
    ],
    indirect=["caller"],
)
def test_create_role__non_human_admin__event_names_the_caller(
    caller: TestClient, admin_client: TestClient, created_by: str, user_id: int | None
) -> None:
    response = caller.post(ROLES, json=role_body("Machine made"))
    assert response.status_code == 200, response.text

    events = admin_client.get("/api/admin/search/events", params={"type": "role-created"})
    event = events.json()["events"][0]

    assert event["createdBy"] == created_by
    if user_id is not None:
        assert event["createdByUserId"] == user_id
    else:
        assert event["createdByUserId"] > 0
