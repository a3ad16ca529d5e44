"""Who may apply a file: Admins only, whatever their credential; never an SDK token or a token
scoped below ADMIN. A refused caller changes nothing."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from flagstaff.http.context import AppContext
from tests.api.credentials.api_tokens.helpers import make_api_token
from tests.api.provisioning.helpers import APPLY, applied, service_account
from tests.api.service_accounts.helpers import BASE, bearer, create_account, in_days

FILE = """\
version: 1
serviceAccounts:
  - username: deployer
    name: Deployer
    rootRole: Viewer
"""

# caller -> status of an apply
EXPECTED = {
    "admin-session": 200,
    "editor-session": 403,
    "admin-service-account": 200,
    "editor-service-account": 403,
    "admin-token-read-only": 403,
    "admin-token-one-project": 403,
    "admin-api-token": 200,
    "client-api-token": 403,
    "frontend-api-token": 403,
    "anonymous": 401,
}


def _token(admin: TestClient, role: str, **scopes: object) -> str:
    account = create_account(admin, f"svc-{role.lower()}-{len(scopes)}", role=role)
    body: dict[str, object] = {"description": "ci", "expiresAt": in_days(5)}
    if scopes:
        body["scopes"] = scopes
    response = admin.post(f"{BASE}/{account['id']}/token", json=body)
    assert response.status_code == 201, response.text
    secret: str = response.json()["secret"]
    return secret


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
    if kind == "editor-session":
        return user_client(role="Editor")
    client = new_client()
    if kind == "admin-service-account":
        client.headers.update(bearer(_token(admin_client, "Admin")))
    elif kind == "editor-service-account":
        client.headers.update(bearer(_token(admin_client, "Editor")))
    elif kind == "admin-token-read-only":
        client.headers.update(bearer(_token(admin_client, "Admin", permissions="read")))
    elif kind == "admin-token-one-project":
        client.headers.update(bearer(_token(admin_client, "Admin", projects=["default"])))
    elif kind.endswith("api-token"):
        token_type = kind.removesuffix("-api-token")
        environment = "*" if token_type == "admin" else "development"
        client.headers["Authorization"] = make_api_token(
            context, token_type, environment=environment, name=f"{token_type}-token"
        )
    return client


@pytest.mark.parametrize("caller", list(EXPECTED), indirect=True)
def test_apply__each_caller__admins_only_and_nothing_changed_when_refused(
    caller: TestClient, admin_client: TestClient, request: pytest.FixtureRequest
) -> None:
    kind = request.node.callspec.params["caller"]

    response = caller.post(APPLY, json={"file": FILE})

    assert response.status_code == EXPECTED[kind], response.text
    assert (service_account(admin_client, "deployer") is not None) == (response.status_code == 200)
    if response.status_code != 200:
        assert set(response.json()) >= {"id", "name", "message", "details"}


def test_apply__dry_run_by_a_non_admin__403_too(user_client: Callable[..., TestClient]) -> None:
    response = user_client(role="Editor").post(APPLY, json={"file": FILE, "dryRun": True})

    assert response.status_code == 403


def test_apply__admin_api_token__events_under_the_token(
    new_client: Callable[[], TestClient], admin_client: TestClient, context: AppContext
) -> None:
    client = new_client()
    client.headers["Authorization"] = make_api_token(
        context, "admin", environment="*", name="platform-pipeline"
    )

    applied(client, FILE)

    events = admin_client.get("/api/admin/events").json()["events"]
    created = next(e for e in events if e["type"] == "service-account-created")
    assert created["createdBy"] == "platform-pipeline"
