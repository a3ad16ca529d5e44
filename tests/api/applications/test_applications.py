from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import delete, func, select

from flagstaff.applications.models import ClientApplication, ClientInstance
from flagstaff.events.models import Event
from flagstaff.flags.features.models import Feature
from flagstaff.http.context import AppContext
from tests.api.client_api.flags import make_flag
from tests.api.credentials.api_tokens.helpers import auth, events_of, make_api_token
from tests.api.instance.callers import as_caller

BASE = "/api/admin/metrics/applications"
START = "2026-11-27T10:05:00Z"


def register(
    client: TestClient,
    context: AppContext,
    app: str,
    *,
    instance: str = "pod-1",
    environment: str = "development",
    sdk: str = "unleash-node-sdk:6.6.0",
    strategies: list[str] | None = None,
) -> None:
    body = {
        "appName": app,
        "instanceId": instance,
        "sdkVersion": sdk,
        "interval": 15000,
        "started": START,
        "strategies": strategies if strategies is not None else ["default"],
    }
    headers = auth(make_api_token(context, environment=environment, name=f"{app}-{instance}"))
    assert client.post("/api/client/register", json=body, headers=headers).status_code == 202


def report(
    client: TestClient, context: AppContext, app: str, flags: dict[str, int], env: str
) -> None:
    toggles = {name: {"yes": yes, "no": 0} for name, yes in flags.items()}
    body = {"appName": app, "bucket": {"start": START, "stop": START, "toggles": toggles}}
    headers = auth(make_api_token(context, environment=env, name=f"{app}-{env}-metrics"))
    assert client.post("/api/client/metrics", json=body, headers=headers).status_code == 202


def drop_flag(context: AppContext, name: str) -> None:
    """A flag deleted after SDKs reported it: its metrics stay."""
    with context.database.transaction() as session:
        session.execute(delete(Feature).where(Feature.name == name))


def _rows(context: AppContext) -> tuple[int, int, int]:
    with context.database.session(write=False) as session:
        return (
            session.execute(select(func.count()).select_from(ClientApplication)).scalar_one(),
            session.execute(select(func.count()).select_from(ClientInstance)).scalar_one(),
            session.execute(select(func.count()).select_from(Event)).scalar_one(),
        )


def test_list__registered_apps__total_strategies_usage(
    client: TestClient, admin_client: TestClient, context: AppContext
) -> None:
    make_flag(context, "checkout")
    make_flag(context, "ghost")
    register(client, context, "shop", strategies=["default", "flexibleRollout"])
    register(client, context, "shop", instance="pod-2", strategies=["custom"])
    register(client, context, "billing")
    report(client, context, "shop", {"checkout": 1, "ghost": 2}, "development")
    report(client, context, "shop", {"checkout": 1}, "production")
    body = admin_client.get(BASE).json()
    assert body["total"] == 2
    shop = body["applications"][1]
    assert [a["appName"] for a in body["applications"]] == ["billing", "shop"]
    assert shop["strategies"] == ["custom", "default", "flexibleRollout"]
    assert shop["usage"] == [{"project": "default", "environments": ["development", "production"]}]
    assert body["applications"][0]["usage"] == []


def test_list__query_paging_sorting(
    client: TestClient, admin_client: TestClient, context: AppContext
) -> None:
    for name in ("alpha", "beta", "gamma", "al_pha"):
        register(client, context, name)
    found = admin_client.get(BASE, params={"query": "al"}).json()
    assert [a["appName"] for a in found["applications"]] == ["al_pha", "alpha"]
    assert found["total"] == 2
    underscore = admin_client.get(BASE, params={"query": "_"}).json()
    assert [a["appName"] for a in underscore["applications"]] == ["al_pha"]
    page = admin_client.get(BASE, params={"offset": 1, "limit": 2, "sortOrder": "desc"}).json()
    assert [a["appName"] for a in page["applications"]] == ["beta", "alpha"]
    assert page["total"] == 4


@pytest.mark.parametrize(
    "params",
    [
        {"limit": 0},
        {"limit": 1001},
        {"limit": "many"},
        {"offset": -1},
        {"sortBy": "secret"},
        {"sortOrder": "sideways"},
        {"query": "q" * 256},
    ],
)
def test_list__bad_params__400(admin_client: TestClient, params: dict[str, Any]) -> None:
    response = admin_client.get(BASE, params=params)
    assert response.status_code == 400
    assert response.json()["name"] == "BadDataError"


def test_get__details_instances_strategies_seen_flags(
    client: TestClient, admin_client: TestClient, context: AppContext
) -> None:
    make_flag(context, "checkout")
    make_flag(context, "ghost")
    register(client, context, "shop", strategies=["default", "mystery"])
    report(client, context, "shop", {"checkout": 1, "ghost": 1}, "development")
    admin_client.get(BASE)  # writes the pending counts
    drop_flag(context, "ghost")
    body = admin_client.get(f"{BASE}/shop").json()
    assert body["appName"] == "shop"
    assert body["strategies"][0]["name"] == "default"
    assert "notFound" not in body["strategies"][0]
    assert body["strategies"][1] == {"name": "mystery", "notFound": True}
    (instance,) = body["instances"]
    assert (instance["instanceId"], instance["environment"]) == ("pod-1", "development")
    assert instance["sdkVersion"] == "unleash-node-sdk:6.6.0"
    assert body["seenToggles"][0]["name"] == "checkout"
    assert body["seenToggles"][0]["project"] == "default"
    assert body["seenToggles"][1] == {"name": "ghost", "notFound": True}
    assert body["links"] == {"self": "/api/applications/shop"}


def test_get__unknown__404(admin_client: TestClient) -> None:
    response = admin_client.get(f"{BASE}/nope")
    assert response.status_code == 404
    assert response.json()["message"] == "Could not find appName=nope"
    assert admin_client.get(f"{BASE}/nope/overview").status_code == 404


def test_get__name_too_long__400(admin_client: TestClient) -> None:
    assert admin_client.get(f"{BASE}/{'a' * 256}").status_code == 400


def test_overview__environments_sdks_issues(
    client: TestClient, admin_client: TestClient, context: AppContext
) -> None:
    make_flag(context, "checkout")
    make_flag(context, "search")
    make_flag(context, "ghost")
    register(client, context, "shop", sdk="unleash-node-sdk:6.1.0", strategies=["mystery"])
    register(client, context, "shop", instance="pod-2", sdk="unleash-client-js:3.7.8")
    register(client, context, "shop", instance="pod-3", environment="production")
    report(client, context, "shop", {"checkout": 1, "search": 1, "ghost": 1}, "development")
    report(client, context, "shop", {"checkout": 1}, "production")
    admin_client.get(BASE)
    drop_flag(context, "ghost")
    body = admin_client.get(f"{BASE}/shop/overview").json()
    assert body["projects"] == ["default"]
    assert body["featureCount"] == 3
    assert body["issues"] == {"missingStrategies": ["mystery"]}
    development, production = body["environments"]
    assert development["name"] == "development"
    assert development["instanceCount"] == 2
    assert development["sdks"] == ["unleash-client-js:3.7.8", "unleash-node-sdk:6.1.0"]
    assert development["frontendSdks"] == ["unleash-client-js:3.7.8"]
    assert development["backendSdks"] == ["unleash-node-sdk:6.1.0"]
    assert development["issues"] == {
        "missingFeatures": ["ghost"],
        "outdatedSdks": ["unleash-node-sdk:6.1.0"],
    }
    assert development["lastSeen"] is not None
    assert production["instanceCount"] == 1
    assert production["issues"] == {"missingFeatures": [], "outdatedSdks": []}


def test_post__new_app__202_created_with_event(
    admin_client: TestClient, context: AppContext
) -> None:
    body = {"description": "The shop", "url": "https://shop.example.com", "color": "red"}
    assert admin_client.post(f"{BASE}/shop", json=body).status_code == 202
    details = admin_client.get(f"{BASE}/shop").json()
    assert (details["description"], details["url"], details["color"], details["icon"]) == (
        "The shop",
        "https://shop.example.com",
        "red",
        None,
    )
    (event,) = events_of(context, "application-created")
    assert (event.data or {})["appName"] == "shop"
    assert event.created_by == "admin"


def test_post__existing_app__fields_given_change_no_event(
    client: TestClient, admin_client: TestClient, context: AppContext
) -> None:
    register(client, context, "shop")
    admin_client.get(BASE)  # writes the pending registration
    assert len(events_of(context, "application-created")) == 1
    assert (
        admin_client.post(f"{BASE}/shop", json={"description": "d", "icon": "i"}).status_code == 202
    )
    assert admin_client.post(f"{BASE}/shop", json={"icon": "j"}).status_code == 202
    details = admin_client.get(f"{BASE}/shop").json()
    assert (details["description"], details["icon"]) == ("d", "j")
    assert details["updatedAt"] is not None
    assert len(events_of(context, "application-created")) == 1


@pytest.mark.parametrize(
    "body",
    [
        {"description": 5},
        {"url": "javascript:alert(1)"},
        {"url": "ftp://files.example.com"},
        {"url": "https://x.example.com/" + "a" * 1000},
        {"color": "c" * 51},
        {"icon": "i" * 256},
        {"description": "d" * 10_001},
        {"description": "nul\x00"},
        [],
        "shop",
    ],
)
def test_post__bad_body__400_nothing_written(
    admin_client: TestClient, context: AppContext, body: Any
) -> None:
    before = _rows(context)
    response = admin_client.post(f"{BASE}/shop", json=body)
    assert response.status_code == 400, response.text
    assert set(response.json()) >= {"id", "name", "message", "details"}
    assert _rows(context) == before


def test_post__name_too_long__400(admin_client: TestClient, context: AppContext) -> None:
    before = _rows(context)
    assert admin_client.post(f"{BASE}/{'a' * 256}", json={}).status_code == 400
    assert _rows(context) == before


def test_delete__app_and_instances__200(
    client: TestClient, admin_client: TestClient, context: AppContext
) -> None:
    register(client, context, "shop")
    register(client, context, "billing")
    admin_client.get(BASE)
    assert admin_client.delete(f"{BASE}/shop").status_code == 200
    assert admin_client.get(f"{BASE}/shop").status_code == 404
    assert [a["appName"] for a in admin_client.get(BASE).json()["applications"]] == ["billing"]
    with context.database.session(write=False) as session:
        assert set(session.scalars(select(ClientInstance.app_name))) == {"billing"}


def test_delete__unknown__200_as_unleash(admin_client: TestClient) -> None:
    assert admin_client.delete(f"{BASE}/nope").status_code == 200


@pytest.mark.parametrize(
    ("kind", "read", "write"),
    [
        ("admin", 200, 202),
        ("admin-token", 200, 202),
        ("editor", 200, 202),  # Unleash's Editor holds UPDATE_APPLICATION
        ("viewer", 200, 403),
        ("service-account", 200, 202),
        ("viewer-service-account", 200, 403),
        ("client-token", 403, 403),
        ("frontend-token", 403, 403),
    ],
)
def test_callers__read_any_signed_in__write_needs_update_application(
    kind: str,
    read: int,
    write: int,
    context: AppContext,
    client: TestClient,
    admin_client: TestClient,
    user_client: Callable[..., TestClient],
) -> None:
    assert admin_client.post(f"{BASE}/shop", json={}).status_code == 202
    caller, headers = as_caller(
        kind, context=context, client=client, admin_client=admin_client, user_client=user_client
    )
    for path in (BASE, f"{BASE}/shop", f"{BASE}/shop/overview"):
        assert caller.get(path, headers=headers).status_code == read, path
    before = _rows(context)
    response = caller.post(f"{BASE}/shop", json={"description": "x"}, headers=headers)
    assert response.status_code == write
    deleted = caller.delete(f"{BASE}/shop", headers=headers)
    assert deleted.status_code == (200 if write == 202 else 403)
    if write == 403:
        assert _rows(context) == before
        assert admin_client.get(f"{BASE}/shop").json()["description"] is None


def test_anonymous__401(client: TestClient) -> None:
    assert client.get(BASE).status_code == 401
    assert client.post(f"{BASE}/shop", json={}).status_code == 401
    assert client.delete(f"{BASE}/shop").status_code == 401


def test_post__same_new_app_at_once__one_row_one_event(
    admin_client: TestClient, context: AppContext
) -> None:
    token = make_api_token(context, "admin", environment="*", name="root")
    colors = ["red", "blue", "green", "black"]
    barrier = threading.Barrier(len(colors))

    def send(color: str) -> int:
        barrier.wait()
        body = {"color": color}
        return admin_client.post(f"{BASE}/shop", json=body, headers=auth(token)).status_code

    with ThreadPoolExecutor(len(colors)) as pool:
        assert list(pool.map(send, colors)) == [202] * len(colors)
    assert len(events_of(context, "application-created")) == 1
    assert admin_client.get(f"{BASE}/shop").json()["color"] in colors


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", BASE + "?query=a%00b"),
        ("GET", BASE + "/a%00b"),
        ("GET", BASE + "/a%00b/overview"),
        ("POST", BASE + "/a%00b"),
        ("DELETE", BASE + "/a%00b"),
        ("GET", BASE + "?offset=99999999999"),
    ],
)
def test_bad_params__nul_or_out_of_range__400_not_500(
    admin_client: TestClient, context: AppContext, method: str, path: str
) -> None:
    before = _rows(context)
    response = admin_client.request(method, path, json={} if method == "POST" else None)
    assert response.status_code == 400, response.text
    assert response.json()["name"] == "BadDataError"
    assert _rows(context) == before
