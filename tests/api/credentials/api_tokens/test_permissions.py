from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from flagstaff.http.context import AppContext
from tests.api.credentials.api_tokens.helpers import (
    BASE,
    counts,
    create_via_api,
    make_api_token,
    make_project,
)

PROJECT_BASE = "/api/admin/projects/default/api-tokens"


def test_list__no_credentials__401(client: TestClient) -> None:
    response = client.get(BASE)
    assert response.status_code == 401
    assert response.json()["name"] == "AuthenticationRequired"


def test_list__unknown_token__401(client: TestClient) -> None:
    response = client.get(BASE, headers={"Authorization": "*:*.0123456789abcdef0123456789"})
    assert response.status_code == 401


def test_list__viewer__403(user_client: Callable[..., TestClient]) -> None:
    assert user_client("Viewer").get(BASE).status_code == 403


def test_list__editor__sees_sdk_tokens_not_admin_tokens(
    user_client: Callable[..., TestClient], context: AppContext
) -> None:
    make_api_token(context, "client", name="backend")
    make_api_token(context, "frontend", name="web")
    make_api_token(context, "admin", environment="*", name="root")
    names = {t["tokenName"] for t in user_client("Editor").get(BASE).json()["tokens"]}
    assert names == {"backend", "web"}


@pytest.mark.parametrize(
    ("role", "body", "status"),
    [
        ("Editor", {"type": "client", "environment": "development"}, 403),
        ("Editor", {"type": "frontend", "environment": "development"}, 403),
        ("Editor", {"type": "admin", "environment": "*"}, 403),
        ("Viewer", {"type": "client", "environment": "development"}, 403),
        ("Admin", {"type": "admin", "environment": "*"}, 201),
        ("Admin", {"type": "frontend", "environment": "development"}, 201),
    ],
)
def test_create__by_role__needs_permission_of_the_type(
    user_client: Callable[..., TestClient],
    context: AppContext,
    role: str,
    body: dict[str, str],
    status: int,
) -> None:
    caller = user_client(role)
    before = counts(context)
    response = caller.post(BASE, json={"tokenName": "t", **body})
    assert response.status_code == status, response.text
    if status == 403:
        assert counts(context) == before
        assert response.json()["name"] == "PermissionError"


def test_delete__editor_on_client_token__403_token_kept(
    user_client: Callable[..., TestClient], context: AppContext
) -> None:
    secret = make_api_token(context, "client")
    response = user_client("Editor").delete(f"{BASE}/{secret}")
    assert response.status_code == 403
    assert counts(context)[0] == 1


def test_project_tokens__admin__create_list_delete(
    admin_client: TestClient, context: AppContext
) -> None:
    response = admin_client.post(
        PROJECT_BASE, json={"tokenName": "svc", "type": "backend", "environment": "production"}
    )
    assert response.status_code == 201, response.text
    created = response.json()
    assert created["secret"].startswith("default:production.")
    assert created["projects"] == ["default"]
    create_via_api(admin_client, tokenName="everywhere")  # all projects: not a project token
    listed = admin_client.get(PROJECT_BASE).json()["tokens"]
    assert [t["tokenName"] for t in listed] == ["svc"]
    assert admin_client.delete(f"{PROJECT_BASE}/{listed[0]['secret']}").status_code == 200
    assert admin_client.get(PROJECT_BASE).json() == {"tokens": []}


def test_project_tokens__token_of_several_projects__400_kept(
    admin_client: TestClient, context: AppContext
) -> None:
    make_project(context, "second")
    secret = make_api_token(context, "client", projects=["default", "second"])
    assert admin_client.delete(f"{PROJECT_BASE}/{secret}").status_code == 400
    assert counts(context)[0] == 1


@pytest.mark.parametrize(
    ("method", "path", "body", "status"),
    [
        ("get", "/api/admin/projects/nope/api-tokens", None, 404),
        ("post", "/api/admin/projects/nope/api-tokens", {"tokenName": "t", "type": "client"}, 404),
        ("post", PROJECT_BASE, {"tokenName": "t", "type": "admin"}, 400),
        ("post", PROJECT_BASE, {"tokenName": "t", "type": "client", "environment": "x"}, 400),
        ("delete", f"{PROJECT_BASE}/unknown", None, 404),
    ],
)
def test_project_tokens__bad_input__4xx(
    admin_client: TestClient,
    context: AppContext,
    method: str,
    path: str,
    body: dict[str, str] | None,
    status: int,
) -> None:
    before = counts(context)
    kwargs = {"json": body} if body is not None else {}
    response = getattr(admin_client, method)(path, **kwargs)
    assert response.status_code == status, response.text
    assert counts(context) == before


@pytest.mark.parametrize("method", ["get", "post"])
def test_project_tokens__viewer__403(
    user_client: Callable[..., TestClient], context: AppContext, method: str
) -> None:
    kwargs = {"json": {"tokenName": "t", "type": "client"}} if method == "post" else {}
    response = getattr(user_client("Viewer"), method)(PROJECT_BASE, **kwargs)
    assert response.status_code == 403
    assert counts(context)[0] == 0
