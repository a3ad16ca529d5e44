from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from flagstaff.events.models import Event
from flagstaff.http.context import AppContext
from flagstaff.instance.models import InstanceSetting
from flagstaff.instance.state import instance_settings
from tests.api.credentials.api_tokens.helpers import auth, events_of, make_api_token
from tests.api.instance.callers import as_caller
from tests.api.roles.helpers import create_role
from tests.conftest import FAST_PASSWORDS

URL = "/api/admin/ui-config/cors"
GOOD = {"frontendApiOrigins": ["https://app.example.com"]}


def _state(context: AppContext) -> tuple[int, int]:
    """(settings rows, events): what a refused request must leave unchanged."""
    with context.database.session(write=False) as session:
        settings = session.execute(select(func.count()).select_from(InstanceSetting)).scalar_one()
        events = session.execute(select(func.count()).select_from(Event)).scalar_one()
        return settings, events


def test_set_cors__first_time__204_setting_created_event(
    admin_client: TestClient, context: AppContext
) -> None:
    response = admin_client.post(URL, json=GOOD)
    assert response.status_code == 204
    assert response.content == b""
    (event,) = events_of(context, "setting-created")
    assert event.data == {"id": "unleash.frontend", **GOOD}
    assert event.created_by == "admin"


def test_set_cors__again__setting_updated_event_with_before(
    admin_client: TestClient, context: AppContext
) -> None:
    assert admin_client.post(URL, json=GOOD).status_code == 204
    later = {"frontendApiOrigins": ["*"]}
    assert admin_client.post(URL, json=later).status_code == 204
    (event,) = events_of(context, "setting-updated")
    assert event.data == {"id": "unleash.frontend", **later}
    assert event.pre_data == GOOD
    with context.database.session(write=False) as session:
        row = session.get(InstanceSetting, "unleash.frontend")
        assert row is not None
        assert row.content == later


@pytest.mark.parametrize(
    "origins",
    [
        ["*"],
        [],
        ["http://localhost"],
        ["http://localhost:8080", "https://example.com", "https://example.com:8443"],
        ["http://[::1]:3000"],
    ],
)
def test_set_cors__valid_origins__204(admin_client: TestClient, origins: list[str]) -> None:
    assert admin_client.post(URL, json={"frontendApiOrigins": origins}).status_code == 204


@pytest.mark.parametrize(
    "origin",
    [
        "",
        " ",
        "a",
        "**",
        "localhost",
        "localhost:8080",
        "//localhost:8080",
        "http://localhost/",
        "http://localhost/a",
        "https://example.com/a",
        "https://example.com ",
        "https://*.example.com",
        "*.example.com",
        "https://example.com:443",
        "HTTPS://example.com",
        "ftp://example.com",
        "https://user@example.com",
        "https://example.com:99999",
        "https://example.com?x=1",
        "https://example.com#top",
        "javascript:alert(1)",
        "https://example.com\x00",
    ],
)
def test_set_cors__invalid_origin__400_nothing_written(
    admin_client: TestClient, context: AppContext, origin: str
) -> None:
    before = _state(context)
    body = {"frontendApiOrigins": ["https://ok.example.com", origin]}
    response = admin_client.post(URL, json=body)
    assert response.status_code == 400, response.text
    assert response.json()["name"] == "BadDataError"
    assert _state(context) == before


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"frontendApiOrigins": "https://app.example.com"},
        {"frontendApiOrigins": [1]},
        {"frontendApiOrigins": None},
        {"frontendApiOrigins": ["https://" + "a" * 2048 + ".com"]},
        {"frontendApiOrigins": ["*"] * 1001},
        [],
        "origins",
    ],
)
def test_set_cors__bad_body__400_unleash_error(
    admin_client: TestClient, context: AppContext, body: Any
) -> None:
    before = _state(context)
    response = admin_client.post(URL, json=body)
    assert response.status_code == 400, response.text
    error = response.json()
    assert set(error) >= {"id", "name", "message", "details"}
    assert _state(context) == before


def test_set_cors__not_json__415(admin_client: TestClient) -> None:
    response = admin_client.post(URL, content=b"origins=*", headers={"content-type": "text/plain"})
    assert response.status_code == 415


def test_set_cors__anonymous__401(client: TestClient) -> None:
    assert client.post(URL, json=GOOD).status_code == 401


@pytest.mark.parametrize(
    ("kind", "status"),
    [
        ("admin", 204),
        ("admin-token", 204),
        ("editor", 403),
        ("viewer", 403),
        ("service-account", 403),
        ("viewer-service-account", 403),
        ("client-token", 403),
        ("frontend-token", 403),
    ],
)
def test_set_cors__by_caller__only_update_cors_holders(
    kind: str,
    status: int,
    context: AppContext,
    client: TestClient,
    admin_client: TestClient,
    user_client: Callable[..., TestClient],
) -> None:
    caller, headers = as_caller(
        kind, context=context, client=client, admin_client=admin_client, user_client=user_client
    )
    before = _state(context)
    response = caller.post(URL, json=GOOD, headers=headers)
    assert response.status_code == status, response.text
    if status == 403:
        assert _state(context) == before
        if kind.endswith("-token"):
            assert response.json()["name"] == "InvalidTokenError"
        else:
            assert response.json()["permissions"] == ["UPDATE_CORS"]


def test_set_cors__custom_root_role_with_update_cors__204(
    admin_client: TestClient, user_client: Callable[..., TestClient]
) -> None:
    role = create_role(
        admin_client, "CORS keeper", type_="root-custom", permissions=[{"name": "UPDATE_CORS"}]
    )
    assert user_client(role=role["id"]).post(URL, json=GOOD).status_code == 204


def test_set_cors__other_process__sees_it_within_a_second(
    admin_client: TestClient, context: AppContext
) -> None:
    other = AppContext.build(context.settings, passwords=FAST_PASSWORDS)
    other.watcher.start()
    try:
        cache = instance_settings(other)
        assert cache.frontend_api_origins(cache.load()) == ("*",)
        assert admin_client.post(URL, json=GOOD).status_code == 204
        deadline = time.monotonic() + 1.0
        while cache.cached() is not None and time.monotonic() < deadline:
            time.sleep(0.02)
        assert cache.cached() is None  # the revision moved: the snapshot was dropped
        assert cache.frontend_api_origins(cache.load()) == ("https://app.example.com",)
    finally:
        other.watcher.stop()
        other.database.dispose()


def test_set_cors__snapshot_kept_between_changes__no_query(
    admin_client: TestClient, context: AppContext
) -> None:
    assert admin_client.post(URL, json=GOOD).status_code == 204
    cache = instance_settings(context)
    first = cache.load()
    assert cache.cached() is first
    admin_client.get("/api/admin/ui-config")
    assert cache.cached() is first


def test_set_cors__first_writes_at_once__one_row_one_created_event(
    admin_client: TestClient, context: AppContext
) -> None:
    token = make_api_token(context, "admin", environment="*", name="root")
    bodies = [{"frontendApiOrigins": [f"https://app{i}.example.com"]} for i in range(4)]
    barrier = threading.Barrier(len(bodies))

    def send(body: dict[str, Any]) -> int:
        barrier.wait()
        return admin_client.post(URL, json=body, headers=auth(token)).status_code

    with ThreadPoolExecutor(len(bodies)) as pool:
        statuses = list(pool.map(send, bodies))
    assert statuses == [204] * len(bodies)
    assert len(events_of(context, "setting-created")) == 1
    assert len(events_of(context, "setting-updated")) == len(bodies) - 1
    with context.database.session(write=False) as session:
        (row,) = session.scalars(select(InstanceSetting)).all()
    assert row.content in bodies
