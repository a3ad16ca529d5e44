"""/api/admin/environments."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient

from flagstaff.http.context import AppContext
from tests.api.flags.support import assert_error, create_flag, env_url, make_caller


def test_environments__fresh_install__development_then_production(
    admin_client: TestClient,
) -> None:
    body = admin_client.get("/api/admin/environments").json()
    assert body["version"] == 1
    assert [(e["name"], e["type"], e["sortOrder"], e["enabled"]) for e in body["environments"]] == [
        ("development", "development", 100, True),
        ("production", "production", 200, True),
    ]


def test_environment__counts_enabled_flags(admin_client: TestClient) -> None:
    create_flag(admin_client, "f")
    admin_client.post(env_url("f", "production") + "/on")
    production = admin_client.get("/api/admin/environments/production").json()
    assert (production["projectCount"], production["enabledToggleCount"]) == (1, 1)


def test_environment__unknown__404(admin_client: TestClient) -> None:
    assert_error(admin_client.get("/api/admin/environments/mars"), 404, "mars")


def test_environment_off_on__admin__204(admin_client: TestClient) -> None:
    assert admin_client.post("/api/admin/environments/production/off").status_code == 204
    assert admin_client.get("/api/admin/environments/production").json()["enabled"] is False
    assert admin_client.post("/api/admin/environments/production/on").status_code == 204
    assert admin_client.get("/api/admin/environments/production").json()["enabled"] is True


def test_environment_sort_order__admin__applied(admin_client: TestClient) -> None:
    response = admin_client.put(
        "/api/admin/environments/sort-order", json={"production": 1, "development": 2}
    )
    assert response.status_code == 200
    names = [e["name"] for e in admin_client.get("/api/admin/environments").json()["environments"]]
    assert names == ["production", "development"]
    assert_error(admin_client.put("/api/admin/environments/sort-order", json={"mars": 1}), 404)


def test_environment_writes__editor__403(
    context: AppContext, new_client: Callable[[], TestClient]
) -> None:
    editor = make_caller(context, new_client, "Editor")
    assert_error(editor.client.post("/api/admin/environments/production/off"), 403)
    assert editor.client.get("/api/admin/environments").status_code == 200
