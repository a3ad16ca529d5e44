from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

from flagstaff.app import create_app
from flagstaff.http.context import AppContext
from flagstaff.instance.models import InstanceSetting
from flagstaff.instance.state import instance_settings
from flagstaff.maintenance.guard import is_guarded
from tests.api.client_api.flags import make_flag
from tests.api.credentials.api_tokens.helpers import auth, events_of, make_api_token
from tests.api.flags.caller_kinds import make_kind
from tests.api.flags.support import features_url, snapshot
from tests.api.roles.helpers import create_role
from tests.conftest import FAST_PASSWORDS

URL = "/api/admin/maintenance"
MESSAGE = "Flagstaff is in maintenance mode: changes are refused until an admin switches it off."


def _turn(client: TestClient, enabled: bool) -> None:
    response = client.post(URL, json={"enabled": enabled})
    assert response.status_code == 204, response.text


def _assert_refused(response: Any) -> None:
    assert response.status_code == 503, response.text
    body = response.json()
    assert body["message"] == MESSAGE
    assert body["name"] == "MaintenanceModeError"
    assert set(body) >= {"id", "name", "message", "details"}


def test_get__never_set__disabled(admin_client: TestClient) -> None:
    response = admin_client.get(URL)
    assert response.status_code == 200
    assert response.json() == {"enabled": False}


def test_toggle__on_then_off__204_setting_events_as_unleash(
    admin_client: TestClient, context: AppContext
) -> None:
    _turn(admin_client, True)
    assert admin_client.get(URL).json() == {"enabled": True}
    _turn(admin_client, False)
    assert admin_client.get(URL).json() == {"enabled": False}
    (created,) = events_of(context, "setting-created")
    assert created.data == {"id": "maintenance.mode", "enabled": True}
    (updated,) = events_of(context, "setting-updated")
    assert updated.data == {"id": "maintenance.mode", "enabled": False}
    assert updated.pre_data == {"enabled": True}
    with context.database.session(write=False) as session:
        row = session.get(InstanceSetting, "maintenance.mode")
        assert row is not None
        assert row.content == {"enabled": False}


@pytest.mark.parametrize(
    "body",
    [{}, {"enabled": "true"}, {"enabled": 1}, {"enabled": None}, {"enabled": [True]}, [], "on"],
)
def test_toggle__bad_body__400_nothing_written(
    admin_client: TestClient, context: AppContext, body: Any
) -> None:
    before = snapshot(context)
    response = admin_client.post(URL, json=body)
    assert response.status_code == 400, response.text
    assert set(response.json()) >= {"id", "name", "message", "details"}
    assert snapshot(context) == before
    assert admin_client.get(URL).json() == {"enabled": False}


def test_toggle__not_json__415(admin_client: TestClient) -> None:
    response = admin_client.post(URL, content=b"enabled=1", headers={"content-type": "text/plain"})
    assert response.status_code == 415


def test_maintenance__anonymous__401(client: TestClient) -> None:
    assert client.get(URL).status_code == 401
    assert client.post(URL, json={"enabled": True}).status_code == 401


@pytest.mark.parametrize(
    ("kind", "status"),
    [
        ("admin", 204),
        ("admin-token", 204),
        ("editor", 403),
        ("viewer", 403),
        ("service-admin", 204),
        ("service-viewer", 403),
        ("client-token", 403),
        ("frontend-token", 403),
    ],
)
def test_toggle__by_caller__only_update_maintenance_mode_holders(
    kind: str,
    status: int,
    context: AppContext,
    admin_client: TestClient,
    new_client: Callable[[], TestClient],
) -> None:
    caller = make_kind(kind, context, admin_client, new_client)
    before = snapshot(context)
    response = caller.post(URL, json={"enabled": True})
    assert response.status_code == status, response.text
    read = caller.get(URL)
    assert read.status_code == (200 if status == 204 else 403)
    if status == 403:
        assert snapshot(context) == before
        name = "InvalidTokenError" if kind in ("client-token", "frontend-token") else None
        assert response.json()["name"] == (name or "PermissionError")
        if name is None:
            assert response.json()["permissions"] == ["UPDATE_MAINTENANCE_MODE"]


def test_toggle__custom_root_role_with_permission__204(
    admin_client: TestClient, user_client: Callable[..., TestClient]
) -> None:
    role = create_role(
        admin_client,
        "Maintainer",
        type_="root-custom",
        permissions=[{"name": "UPDATE_MAINTENANCE_MODE"}],
    )
    keeper = user_client(role=role["id"])
    _turn(keeper, True)
    assert keeper.get(URL).json() == {"enabled": True}


def test_enabled__admin_writes__503_nothing_written(
    admin_client: TestClient, context: AppContext
) -> None:
    make_flag(context, "checkout")
    _turn(admin_client, True)
    before = snapshot(context)
    writes = [
        admin_client.post(features_url(), json={"name": "new-flag"}),
        admin_client.put(features_url("default", "checkout"), json={"type": "release"}),
        admin_client.patch(
            features_url("default", "checkout"),
            json=[{"op": "replace", "path": "/description", "value": "x"}],
        ),
        admin_client.delete(features_url("default", "checkout")),
        admin_client.post("/api/admin/projects", json={"id": "p", "name": "P"}),
        admin_client.post("/api/admin/ui-config/cors", json={"frontendApiOrigins": ["*"]}),
        # As Unleash, the refusal comes before validation and before any lookup.
        admin_client.post(features_url(), json={"name": 42}),
        admin_client.delete("/api/admin/projects/no-such-project"),
    ]
    for response in writes:
        _assert_refused(response)
    assert snapshot(context) == before


@pytest.mark.parametrize("kind", ["editor", "viewer", "service-viewer", "admin-token"])
def test_enabled__any_account_or_admin_token_write__503(
    kind: str,
    context: AppContext,
    admin_client: TestClient,
    new_client: Callable[[], TestClient],
) -> None:
    caller = make_kind(kind, context, admin_client, new_client)
    _turn(admin_client, True)
    _assert_refused(caller.post(features_url(), json={"name": "new-flag"}))


@pytest.mark.parametrize("kind", ["client-token", "frontend-token"])
def test_enabled__sdk_token_on_admin_api__403_wrong_kind_first(
    kind: str,
    context: AppContext,
    admin_client: TestClient,
    new_client: Callable[[], TestClient],
) -> None:
    caller = make_kind(kind, context, admin_client, new_client)
    _turn(admin_client, True)
    response = caller.post(features_url(), json={"name": "new-flag"})
    assert response.status_code == 403
    assert response.json()["name"] == "InvalidTokenError"


def test_enabled__anonymous_write__401_first(admin_client: TestClient, client: TestClient) -> None:
    _turn(admin_client, True)
    del client.cookies["flagstaff-session"]
    assert client.post(features_url(), json={"name": "x"}).status_code == 401


def test_enabled__reads_still_served(admin_client: TestClient, context: AppContext) -> None:
    make_flag(context, "checkout")
    _turn(admin_client, True)
    assert admin_client.get(features_url()).status_code == 200
    assert admin_client.get(features_url("default", "checkout")).status_code == 200
    assert admin_client.get("/api/admin/projects").status_code == 200
    assert admin_client.get("/api/admin/events").status_code == 200
    config = admin_client.get("/api/admin/ui-config").json()
    assert config["maintenanceMode"] is True


def test_enabled__client_and_frontend_apis_still_served(
    client: TestClient, admin_client: TestClient, context: AppContext
) -> None:
    make_flag(context, "checkout")
    _turn(admin_client, True)
    backend = auth(make_api_token(context, "client"))
    frontend = auth(make_api_token(context, "frontend", name="web"))
    features = client.get("/api/client/features", headers=backend)
    assert features.status_code == 200
    assert [f["name"] for f in features.json()["features"]] == ["checkout"]
    bucket = {
        "start": "2026-11-27T10:00:00Z",
        "stop": "2026-11-27T10:05:00Z",
        "toggles": {"checkout": {"yes": 1, "no": 0}},
    }
    metrics = {"appName": "shop", "instanceId": "pod-1", "bucket": bucket}
    assert client.post("/api/client/metrics", json=metrics, headers=backend).status_code == 202
    register = {
        "appName": "shop",
        "instanceId": "pod-1",
        "strategies": ["default"],
        "started": "2026-11-27T10:00:00Z",
        "interval": 15000,
    }
    assert client.post("/api/client/register", json=register, headers=backend).status_code == 202
    assert client.get("/api/frontend", headers=frontend).status_code == 200
    web = {"appName": "web", "bucket": bucket}
    assert (
        client.post("/api/frontend/client/metrics", json=web, headers=frontend).status_code == 200
    )


def test_enabled__login_and_logout_still_work(
    admin_client: TestClient, new_client: Callable[[], TestClient]
) -> None:
    _turn(admin_client, True)
    other = new_client()
    response = other.post(
        "/auth/simple/login", json={"username": "admin", "password": "wrong-password"}
    )
    assert response.status_code == 401  # refused for the password, not for maintenance
    assert admin_client.post("/logout", follow_redirects=False).status_code in (200, 302)


def test_enabled__page_form__503_page(admin_client: TestClient, context: AppContext) -> None:
    _turn(admin_client, True)
    before = snapshot(context)
    response = admin_client.post("/projects", data={"name": "P"}, follow_redirects=False)
    assert response.status_code == 503
    assert MESSAGE in response.text
    assert snapshot(context) == before


def test_disabled_again__writes_restored(admin_client: TestClient) -> None:
    _turn(admin_client, True)
    _assert_refused(admin_client.post(features_url(), json={"name": "new-flag"}))
    _turn(admin_client, False)
    assert admin_client.post(features_url(), json={"name": "new-flag"}).status_code == 201


def test_enabled__other_process_refuses_writes_within_a_second(
    admin_client: TestClient, context: AppContext
) -> None:
    other_context = AppContext.build(context.settings, passwords=FAST_PASSWORDS)
    try:
        other_app = create_app(context.settings, other_context)
        with TestClient(other_app) as other:
            other.headers.update(auth(make_api_token(context, "admin", environment="*", name="b")))
            assert other.post(features_url(), json={"name": "before"}).status_code == 201
            _turn(admin_client, True)
            deadline = time.monotonic() + 1.0
            while time.monotonic() < deadline:
                response = other.post(features_url(), json={"name": "during"})
                if response.status_code == 503:
                    break
                assert response.status_code in (201, 409), response.text
                time.sleep(0.02)
            _assert_refused(other.post(features_url(), json={"name": "during-2"}))
            assert other.get("/api/admin/ui-config").json()["maintenanceMode"] is True
            _turn(admin_client, False)
            deadline = time.monotonic() + 1.0
            status = 503
            while status == 503 and time.monotonic() < deadline:
                status = other.post(features_url(), json={"name": "after"}).status_code
                time.sleep(0.02)
            assert status == 201
    finally:
        other_context.database.dispose()


def test_enabled__check_reads_memory_not_the_database(
    admin_client: TestClient, context: AppContext
) -> None:
    _turn(admin_client, True)
    cache = instance_settings(context)
    first = cache.load()
    for _ in range(3):
        _assert_refused(admin_client.post(features_url(), json={"name": "x"}))
    assert cache.cached() is first


@pytest.mark.parametrize(
    ("path", "guarded"),
    [
        ("/api/admin/projects", True),
        ("/api/admin/ui-config/cors", True),
        ("/api/admin/maintenance", False),
        ("/api/admin/maintenance/", False),
        # Unleash exempts any path containing "/maintenance"; only the switch is exempt here.
        ("/api/admin/projects/default/features/maintenance-window", True),
        ("/api/client/metrics", False),
        ("/api/frontend/client/metrics", False),
        ("/edge/validate", False),
        ("/auth/simple/login", False),
        ("/sign-out", False),
        ("/projects", True),
    ],
)
def test_is_guarded__paths(path: str, guarded: bool) -> None:
    assert is_guarded(path) is guarded


def test_enabled__flag_named_maintenance__still_refused(
    admin_client: TestClient, context: AppContext
) -> None:
    make_flag(context, "maintenance")
    _turn(admin_client, True)
    _assert_refused(admin_client.delete(features_url("default", "maintenance")))
