"""Who may read and change context fields, as Unleash decides it."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from flagstaff.http.context import AppContext
from flagstaff.rbac.predefined import MEMBER_ROLE_ID, OWNER_ROLE_ID
from tests.api.flags.context.support import CONTEXT, create_field, project_context
from tests.api.flags.support import make_caller, make_project, snapshot
from tests.api.service_accounts.helpers import bearer, create_account, create_token


def _writes(client: TestClient, base: str, suffix: str) -> dict[str, int]:
    """Each write, its status; every one on its own field name so they do not interfere."""
    return {
        "create": client.post(base, json={"name": f"new-{suffix}"}).status_code,
        "validate": client.post(f"{base}/validate", json={"name": f"free-{suffix}"}).status_code,
        "update": client.put(f"{base}/target", json={"description": suffix}).status_code,
        "legal": client.post(f"{base}/target/legal-values", json={"value": suffix}).status_code,
        "unlegal": client.delete(f"{base}/target/legal-values/{suffix}").status_code,
        "delete": client.delete(f"{base}/doomed").status_code,
    }


ALLOWED = {"create": 201, "validate": 200, "update": 200, "legal": 200, "unlegal": 200}


@pytest.mark.parametrize(
    ("role", "allowed"), [("Admin", True), ("Editor", True), ("Viewer", False)]
)
def test_global_writes__root_permissions(
    admin_client: TestClient,
    context: AppContext,
    new_client: Callable[[], TestClient],
    role: str,
    allowed: bool,
) -> None:
    create_field(admin_client, "target")
    create_field(admin_client, "doomed")
    caller = make_caller(context, new_client, role).client
    statuses = _writes(caller, CONTEXT, role.lower())
    if allowed:
        assert statuses == {**ALLOWED, "delete": 200}
    else:
        assert set(statuses.values()) == {403}


def test_viewer_refused__403_body_names_permission_nothing_written(
    context: AppContext, user_client: Callable[..., TestClient]
) -> None:
    viewer = user_client("Viewer")
    before = snapshot(context)
    response = viewer.post(CONTEXT, json={"name": "tier"})
    assert response.status_code == 403
    assert response.json()["permissions"] == ["CREATE_CONTEXT_FIELD"]
    assert snapshot(context) == before


@pytest.mark.parametrize(
    ("projects", "allowed"),
    [({"shop": OWNER_ROLE_ID}, True), ({"shop": MEMBER_ROLE_ID}, False), ({}, False)],
)
def test_project_writes__update_project_context_in_that_project(
    admin_client: TestClient,
    context: AppContext,
    new_client: Callable[[], TestClient],
    projects: dict[str, int],
    allowed: bool,
) -> None:
    make_project(context, "shop")
    make_project(context, "bank")
    for name in ("target", "doomed"):
        create_field(admin_client, name, base=project_context("shop"))
    caller = make_caller(context, new_client, "Viewer", projects).client
    statuses = _writes(caller, project_context("shop"), "x")
    if allowed:
        assert statuses == {**ALLOWED, "delete": 200}
    else:
        assert set(statuses.values()) == {403}
    # The owner of shop holds nothing in bank.
    assert caller.post(project_context("bank"), json={"name": "elsewhere"}).status_code == 403
    assert caller.post(CONTEXT, json={"name": "global"}).status_code == 403


def test_reads__any_account(
    admin_client: TestClient, user_client: Callable[..., TestClient]
) -> None:
    create_field(admin_client, "target")
    viewer = user_client("Viewer")
    for url in (
        CONTEXT,
        f"{CONTEXT}/target",
        f"{CONTEXT}/target/strategies",
        project_context(),
        f"{project_context()}/target",
    ):
        assert viewer.get(url).status_code == 200, url


def test_service_account__by_root_role(admin_client: TestClient, client: TestClient) -> None:
    viewer_sa = create_account(admin_client, "sa-viewer", role="Viewer")
    editor_sa = create_account(admin_client, "sa-editor", role="Editor")
    viewer_token = create_token(admin_client, viewer_sa["id"])["secret"]
    editor_token = create_token(admin_client, editor_sa["id"])["secret"]
    assert client.get(CONTEXT, headers=bearer(viewer_token)).status_code == 200
    refused = client.post(CONTEXT, json={"name": "by-sa"}, headers=bearer(viewer_token))
    assert refused.status_code == 403
    created = client.post(CONTEXT, json={"name": "by-sa"}, headers=bearer(editor_token))
    assert created.status_code == 201, created.text


@pytest.mark.parametrize("kind", ["client", "frontend"])
def test_sdk_tokens__403(admin_client: TestClient, client: TestClient, kind: str) -> None:
    created = admin_client.post(
        "/api/admin/api-tokens",
        json={"tokenName": kind, "type": kind, "environment": "development"},
    )
    assert created.status_code == 201, created.text
    headers = {"Authorization": created.json()["secret"]}
    assert client.get(CONTEXT, headers=headers).status_code == 403
    assert client.post(CONTEXT, json={"name": "sdk"}, headers=headers).status_code == 403


def test_admin_api_token__allowed(admin_client: TestClient, client: TestClient) -> None:
    created = admin_client.post("/api/admin/api-tokens", json={"tokenName": "ops", "type": "admin"})
    assert created.status_code == 201, created.text
    headers = {"Authorization": created.json()["secret"]}
    assert client.post(CONTEXT, json={"name": "by-token"}, headers=headers).status_code == 201


def test_anonymous__401(client: TestClient) -> None:
    assert client.get(CONTEXT).status_code == 401
    assert client.post(CONTEXT, json={"name": "x"}).status_code == 401
