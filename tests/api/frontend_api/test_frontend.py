from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from flagstaff.http.context import AppContext
from tests.api.client_api.flags import make_dependency, make_flag, set_enabled
from tests.api.credentials.api_tokens.helpers import auth, make_api_token, make_project

URL = "/api/frontend"
BLUE = {
    "name": "blue",
    "weight": 1000,
    "weightType": "variable",
    "stickiness": "default",
    "payload": {"type": "string", "value": "b"},
}


def _enabled(response: Any) -> dict[str, Any]:
    assert response.status_code == 200, response.text
    return {t["name"]: t for t in response.json()["toggles"]}


def _users(*ids: str) -> dict[str, Any]:
    return {"name": "userWithId", "parameters": {"userIds": ",".join(ids)}}


@pytest.fixture
def frontend(context: AppContext) -> dict[str, str]:
    return auth(make_api_token(context, "frontend"))


def test_frontend__no_token__401(client: TestClient) -> None:
    assert client.get(URL).status_code == 401


@pytest.mark.parametrize("kind", ["client", "admin"])
def test_frontend__other_token_type__403(
    client: TestClient, context: AppContext, kind: str
) -> None:
    secret = make_api_token(context, kind, environment="*" if kind == "admin" else "development")
    response = client.get(URL, headers=auth(secret))
    assert response.status_code == 403
    assert response.json()["message"] == (
        "invalid token: expected a different token type for this endpoint"
    )


def test_frontend__session_user__401_not_logged_in_for_sdk(admin_client: TestClient) -> None:
    assert admin_client.get(URL).status_code == 401


def test_frontend__query_context__enabled_flags_with_variant(
    client: TestClient, context: AppContext, frontend: dict[str, str]
) -> None:
    make_flag(context, "beta", strategies=[_users("42")], variants=[BLUE], impression_data=True)
    make_flag(context, "off", enabled_in=())
    assert _enabled(client.get(URL + "?userId=7", headers=frontend)) == {}
    toggles = _enabled(client.get(URL + "?userId=42", headers=frontend))
    assert toggles == {
        "beta": {
            "name": "beta",
            "enabled": True,
            "variant": {
                "name": "blue",
                "enabled": True,
                "payload": {"type": "string", "value": "b"},
                "feature_enabled": True,
                "featureEnabled": True,
            },
            "impressionData": True,
        }
    }


def test_frontend__no_variants__disabled_variant(
    client: TestClient, context: AppContext, frontend: dict[str, str]
) -> None:
    make_flag(context, "plain")
    (toggle,) = client.get(URL, headers=frontend).json()["toggles"]
    assert toggle["variant"] == {
        "name": "disabled",
        "enabled": False,
        "feature_enabled": True,
        "featureEnabled": True,
    }


def test_frontend__properties_in_query_and_body__used(
    client: TestClient, context: AppContext, frontend: dict[str, str]
) -> None:
    tenant = {"contextName": "tenant", "operator": "IN", "values": ["acme"]}
    make_flag(context, "tenant-only", strategies=[{"name": "default", "constraints": [tenant]}])
    assert "tenant-only" in _enabled(client.get(URL + "?properties[tenant]=acme", headers=frontend))
    assert "tenant-only" in _enabled(client.get(URL + "?tenant=acme", headers=frontend))
    assert _enabled(client.get(URL + "?properties[tenant]=other", headers=frontend)) == {}
    body = {"context": {"userId": "1", "properties": {"tenant": "acme"}}}
    assert "tenant-only" in _enabled(client.post(URL, json=body, headers=frontend))
    assert _enabled(client.post(URL, json={"context": {}}, headers=frontend)) == {}
    assert _enabled(client.post(URL, json={}, headers=frontend)) == {}


def test_frontend__remote_address__given_wins_over_caller_ip(
    client: TestClient, context: AppContext, frontend: dict[str, str]
) -> None:
    make_flag(
        context, "office", strategies=[{"name": "remoteAddress", "parameters": {"IPs": "10.1.2.3"}}]
    )
    assert _enabled(client.get(URL, headers=frontend)) == {}  # the test client's address
    assert "office" in _enabled(client.get(URL + "?remoteAddress=10.1.2.3", headers=frontend))


def test_frontend__current_time__given_wins(
    client: TestClient, context: AppContext, frontend: dict[str, str]
) -> None:
    before_2000 = {
        "contextName": "currentTime",
        "operator": "DATE_BEFORE",
        "value": "2000-01-01T00:00:00Z",
    }
    make_flag(context, "old", strategies=[{"name": "default", "constraints": [before_2000]}])
    assert _enabled(client.get(URL, headers=frontend)) == {}
    given = client.get(URL + "?currentTime=1999-06-01T00:00:00Z", headers=frontend)
    assert "old" in _enabled(given)


def test_frontend__dependencies__parent_decides(
    client: TestClient, context: AppContext, frontend: dict[str, str]
) -> None:
    make_flag(context, "parent")
    make_flag(context, "child")
    make_dependency(context, "child", "parent")
    assert set(_enabled(client.get(URL, headers=frontend))) == {"parent", "child"}
    set_enabled(context, "parent", False)
    context.watcher.check_now()
    assert set(_enabled(client.get(URL, headers=frontend))) == set()


def test_frontend__token_scope__projects_and_environment(
    client: TestClient, context: AppContext
) -> None:
    make_project(context, "other")
    make_flag(context, "mine", enabled_in=("development", "production"))
    make_flag(context, "theirs", project="other", enabled_in=("development", "production"))
    scoped = make_api_token(context, "frontend", projects=["default"], environment="production")
    assert set(_enabled(client.get(URL, headers=auth(scoped)))) == {"mine"}


def test_frontend__unchanged__304(
    client: TestClient, context: AppContext, frontend: dict[str, str]
) -> None:
    make_flag(context, "a")
    first = client.get(URL + "?userId=1", headers=frontend)
    etag = first.headers["etag"]
    # Never stored, as every answer to a token (flagstaff.http.no_store); the SDK's own ETag
    # still spares the body.
    assert first.headers["cache-control"] == "no-store"
    again = client.get(URL + "?userId=1", headers={**frontend, "If-None-Match": etag})
    assert again.status_code == 304
    set_enabled(context, "a", False)
    context.watcher.check_now()
    changed = client.get(URL + "?userId=1", headers={**frontend, "If-None-Match": etag})
    assert changed.status_code == 200
    assert changed.json() == {"toggles": []}


@pytest.mark.parametrize(
    ("content", "needle"),
    [(b"[1]", "must be an object"), (b'{"context": 5}', "context"), (b"{nope", "not valid JSON")],
)
def test_frontend__post_bad_body__400(
    client: TestClient, frontend: dict[str, str], content: bytes, needle: str
) -> None:
    response = client.post(
        URL, content=content, headers={**frontend, "Content-Type": "application/json"}
    )
    assert response.status_code == 400
    assert needle in response.json()["message"]


def test_frontend_metrics__report__200_counted(
    client: TestClient, context: AppContext, frontend: dict[str, str]
) -> None:
    from flagstaff.applications.state import metrics_buffer

    make_flag(context, "a")
    report = {
        "appName": "web",
        "bucket": {
            "start": "2026-11-27T10:00:00Z",
            "stop": "2026-11-27T10:05:00Z",
            "toggles": {"a": {"yes": 1, "no": 0}},
        },
    }
    assert client.post(URL + "/client/metrics", json=report, headers=frontend).status_code == 200
    assert metrics_buffer(context).flush() == 1
    assert (
        client.post(URL + "/client/metrics", json={"appName": ""}, headers=frontend).status_code
        == 400
    )
    register = {
        "appName": "web",
        "interval": 1,
        "started": "2026-11-27T10:00:00Z",
        "strategies": [],
    }
    assert client.post(URL + "/client/register", json=register, headers=frontend).status_code == 200
    assert client.post(URL + "/client/register", json={}, headers=frontend).status_code == 400


def test_frontend_register__browser_sdk__instance_and_application_in_token_environment(
    client: TestClient, context: AppContext
) -> None:
    from sqlalchemy import select

    from flagstaff.applications.models import ClientApplication, ClientInstance
    from flagstaff.applications.state import metrics_buffer

    headers = auth(make_api_token(context, "frontend", environment="production"))
    register = {
        "appName": "web",
        "instanceId": "browser-1",
        "sdkVersion": "unleash-client-js:3.7.8",
        "environment": "development",  # deprecated and ignored: the token decides
        "interval": 30000,
        "started": "2026-11-27T10:00:00Z",
        "strategies": [],
    }
    response = client.post(URL + "/client/register", json=register, headers=headers)
    assert response.status_code == 200
    metrics_buffer(context).flush()
    with context.database.session(write=False) as session:
        (instance,) = session.scalars(select(ClientInstance)).all()
        apps = list(session.scalars(select(ClientApplication.app_name)))
    assert (instance.app_name, instance.instance_id, instance.environment) == (
        "web",
        "browser-1",
        "production",
    )
    assert instance.sdk_version == "unleash-client-js:3.7.8"
    assert apps == ["web"]


@pytest.mark.parametrize(
    "body",
    [
        {"appName": "web"},
        {"appName": "", "interval": 1, "started": "2026-11-27T10:00:00Z", "strategies": []},
        {"appName": "web", "interval": "often", "started": 0, "strategies": []},
        {"appName": "web", "interval": 1, "started": 0, "strategies": [1]},
        [],
    ],
)
def test_frontend_register__malformed__400(
    client: TestClient, frontend: dict[str, str], body: Any
) -> None:
    response = client.post(URL + "/client/register", json=body, headers=frontend)
    assert response.status_code == 400
    assert response.json()["name"] == "BadDataError"


@pytest.mark.parametrize("path", ["/client/register", "/client/metrics"])
@pytest.mark.parametrize("kind", ["client", "admin"])
def test_frontend_reports__other_token_type__403(
    client: TestClient, context: AppContext, path: str, kind: str
) -> None:
    secret = make_api_token(context, kind, environment="*" if kind == "admin" else "development")
    response = client.post(URL + path, json={"appName": "web"}, headers=auth(secret))
    assert response.status_code == 403


@pytest.mark.parametrize("path", ["/client/register", "/client/metrics"])
def test_frontend_reports__no_token__401(client: TestClient, path: str) -> None:
    assert client.post(URL + path, json={"appName": "web"}).status_code == 401
