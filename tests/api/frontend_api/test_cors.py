from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from flagstaff.config import Settings
from flagstaff.http.context import AppContext
from tests.api.credentials.api_tokens.helpers import auth, make_api_token

URL = "/api/frontend"
CORS_SETTING = "/api/admin/ui-config/cors"
APP = "https://app.example.com"
OTHER = "https://evil.example.com"
SDK_HEADERS = (
    "authorization,content-type,if-none-match,unleash-appname,unleash-connection-id,unleash-sdk"
)


def preflight(
    client: TestClient, origin: str, path: str = URL, method: str = "GET"
) -> tuple[int, dict[str, str]]:
    response = client.options(
        path,
        headers={
            "Origin": origin,
            "Access-Control-Request-Method": method,
            "Access-Control-Request-Headers": SDK_HEADERS,
        },
    )
    return response.status_code, {k.lower(): v for k, v in response.headers.items()}


@pytest.fixture
def frontend(context: AppContext) -> dict[str, str]:
    return auth(make_api_token(context, "frontend"))


def test_cors__default_any_origin__wildcard(client: TestClient, frontend: dict[str, str]) -> None:
    status, headers = preflight(client, OTHER)
    assert status == 200
    assert headers["access-control-allow-origin"] == "*"
    assert "access-control-allow-credentials" not in headers
    assert set(headers["access-control-allow-headers"].split(",")) == set(SDK_HEADERS.split(","))
    assert "POST" in headers["access-control-allow-methods"]
    assert headers["access-control-max-age"] == "86400"
    response = client.get(URL, headers={"Origin": OTHER, **frontend})
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == "*"
    assert response.headers["access-control-expose-headers"] == "ETag"


@pytest.mark.parametrize(
    "path", ["/api/frontend", "/api/frontend/client/metrics", "/api/frontend/client/register"]
)
def test_cors__listed_origin__allowed_on_every_frontend_path(
    admin_client: TestClient, client: TestClient, path: str
) -> None:
    assert admin_client.post(CORS_SETTING, json={"frontendApiOrigins": [APP]}).status_code == 204
    status, headers = preflight(client, APP, path, "POST")
    assert status == 200
    assert headers["access-control-allow-origin"] == APP
    assert headers["access-control-allow-credentials"] == "true"
    assert "Origin" in headers["vary"]


def test_cors__unlisted_origin__no_cors_headers(
    admin_client: TestClient, client: TestClient, frontend: dict[str, str]
) -> None:
    assert admin_client.post(CORS_SETTING, json={"frontendApiOrigins": [APP]}).status_code == 204
    status, headers = preflight(client, OTHER)
    assert status == 400
    assert not [name for name in headers if name.startswith("access-control-")]
    response = client.get(URL, headers={"Origin": OTHER, **frontend})
    assert response.status_code == 200  # answered, but the browser keeps it from the page
    assert not [name for name in response.headers if name.lower().startswith("access-control-")]
    assert "Origin" in response.headers["vary"]
    allowed = client.get(URL, headers={"Origin": APP, **frontend})
    assert allowed.headers["access-control-allow-origin"] == APP


def test_cors__refused_preflight__unleash_error_body(
    admin_client: TestClient, client: TestClient
) -> None:
    assert admin_client.post(CORS_SETTING, json={"frontendApiOrigins": [APP]}).status_code == 204
    response = client.options(
        URL, headers={"Origin": OTHER, "Access-Control-Request-Method": "GET"}
    )
    assert response.status_code == 400
    assert set(response.json()) >= {"id", "name", "message", "details"}


def test_cors__method_not_served__refused(client: TestClient) -> None:
    status, headers = preflight(client, APP, method="DELETE")
    assert status == 400
    assert "access-control-allow-origin" not in headers


def test_cors__origins_changed__followed_at_once(
    admin_client: TestClient, client: TestClient
) -> None:
    assert preflight(client, APP)[0] == 200
    assert admin_client.post(CORS_SETTING, json={"frontendApiOrigins": [OTHER]}).status_code == 204
    assert preflight(client, APP)[0] == 400
    assert admin_client.post(CORS_SETTING, json={"frontendApiOrigins": []}).status_code == 204
    status, headers = preflight(client, APP)
    assert status == 200
    assert headers["access-control-allow-origin"] == "*"  # an empty list allows all, as Unleash


def test_cors__errors_too__carry_cors_headers(client: TestClient) -> None:
    response = client.get(URL, headers={"Origin": APP})
    assert response.status_code == 401
    assert response.headers["access-control-allow-origin"] == "*"


def test_cors__guard_refusals_too__carry_cors_headers(
    client: TestClient, frontend: dict[str, str], settings: Settings
) -> None:
    """The body-size and content-type guard answers before any route; a browser must still be
    able to read why."""
    too_big = client.post(
        URL,
        content=b"{" + b" " * settings.max_body_bytes + b"}",
        headers={**frontend, "Origin": APP, "Content-Type": "application/json"},
    )
    wrong_type = client.post(
        URL, content=b"x", headers={**frontend, "Origin": APP, "Content-Type": "text/plain"}
    )
    assert (too_big.status_code, wrong_type.status_code) == (413, 415)
    assert too_big.headers["access-control-allow-origin"] == "*"
    assert wrong_type.headers["access-control-allow-origin"] == "*"


@pytest.mark.parametrize(
    "path", ["/api/admin/projects", "/api/admin/ui-config", "/api/client/features", "/health"]
)
def test_cors__other_apis__never(client: TestClient, path: str) -> None:
    _, headers = preflight(client, APP, path)
    assert "access-control-allow-origin" not in headers
    response = client.get(path, headers={"Origin": APP})
    assert "access-control-allow-origin" not in {k.lower() for k in response.headers}


def test_cors__frontend_prefix_lookalike__no_cors(client: TestClient) -> None:
    response = client.get("/api/frontendx", headers={"Origin": APP})
    assert "access-control-allow-origin" not in {k.lower() for k in response.headers}


class TestConfiguredDefault:
    @pytest.fixture
    def settings(self, settings: Settings) -> Settings:
        return settings.model_copy(update={"frontend_api_origins": [APP]})

    def test_cors__configured_default__used_until_set(
        self, admin_client: TestClient, client: TestClient
    ) -> None:
        assert preflight(client, APP)[0] == 200
        assert preflight(client, OTHER)[0] == 400
        assert admin_client.get("/api/admin/ui-config").json()["frontendApiOrigins"] == [APP]
        body = {"frontendApiOrigins": [OTHER]}
        assert admin_client.post(CORS_SETTING, json=body).status_code == 204
        assert preflight(client, OTHER)[0] == 200  # the stored setting wins
        assert preflight(client, APP)[0] == 400


def test_cors__origins_read_from_memory__no_query_per_request(
    admin_client: TestClient, client: TestClient, context: AppContext, frontend: dict[str, str]
) -> None:
    from sqlalchemy import event

    assert admin_client.post(CORS_SETTING, json={"frontendApiOrigins": [APP]}).status_code == 204
    assert preflight(client, APP)[0] == 200  # the snapshot of this revision is loaded
    statements: list[str] = []

    def record(_conn: object, _cursor: object, statement: str, *_: object) -> None:
        statements.append(statement)

    engine = context.database.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        for _ in range(5):
            assert preflight(client, APP)[0] == 200
            response = client.get(URL, headers={"Origin": APP, **frontend})
            assert response.headers["access-control-allow-origin"] == APP
    finally:
        event.remove(engine, "before_cursor_execute", record)
    assert not [s for s in statements if "settings" in s]
