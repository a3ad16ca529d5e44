from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from flagstaff import __version__
from flagstaff.http.context import AppContext
from tests.api.instance.callers import as_caller

URL = "/api/admin/ui-config"


def test_ui_config__anonymous__401(client: TestClient) -> None:
    response = client.get(URL)
    assert response.status_code == 401
    assert response.json()["name"] == "AuthenticationRequired"


@pytest.mark.parametrize("kind", ["admin", "editor", "viewer", "service-account", "admin-token"])
def test_ui_config__any_signed_in_caller__200(
    kind: str,
    context: AppContext,
    client: TestClient,
    admin_client: TestClient,
    user_client: Callable[..., TestClient],
) -> None:
    caller, headers = as_caller(
        kind, context=context, client=client, admin_client=admin_client, user_client=user_client
    )
    response = caller.get(URL, headers=headers)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["version"] == __version__
    assert body["versionInfo"]["current"]["oss"] == __version__
    assert body["authenticationType"] == "open-source"
    assert body["baseUriPath"] == ""
    assert body["unleashUrl"] == "http://testserver"
    assert body["frontendApiOrigins"] == ["*"]
    assert body["emailEnabled"] is False
    assert body["flags"]["personalAccessTokensKillSwitch"] is False
    assert body["links"][0]["href"] == "http://testserver/docs"


@pytest.mark.parametrize("kind", ["client-token", "frontend-token"])
def test_ui_config__sdk_token__403(
    kind: str,
    context: AppContext,
    client: TestClient,
    admin_client: TestClient,
    user_client: Callable[..., TestClient],
) -> None:
    caller, headers = as_caller(
        kind, context=context, client=client, admin_client=admin_client, user_client=user_client
    )
    response = caller.get(URL, headers=headers)
    assert response.status_code == 403
    assert response.json()["name"] == "InvalidTokenError"


def test_ui_config__origins_set__shown(admin_client: TestClient) -> None:
    origins = ["https://app.example.com", "http://localhost:3000"]
    body = {"frontendApiOrigins": origins}
    assert admin_client.post(URL + "/cors", json=body).status_code == 204
    assert admin_client.get(URL).json()["frontendApiOrigins"] == origins


def test_ui_config__maintenance_mode__follows_the_setting(admin_client: TestClient) -> None:
    assert admin_client.get(URL).json()["maintenanceMode"] is False
    assert admin_client.post("/api/admin/maintenance", json={"enabled": True}).status_code == 204
    body = admin_client.get(URL).json()
    assert body["maintenanceMode"] is True
    assert body["flags"]["maintenanceMode"] is False  # Unleash's environment switch: not offered
    assert admin_client.post("/api/admin/maintenance", json={"enabled": False}).status_code == 204
    assert admin_client.get(URL).json()["maintenanceMode"] is False
