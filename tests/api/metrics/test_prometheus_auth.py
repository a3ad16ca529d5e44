"""``FLAGSTAFF_PROMETHEUS_REQUIRE_AUTH=true``: the scrape asks for the ADMIN permission, through
the one permission check, and refuses everyone else with Unleash's error body."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from flagstaff.app import create_app
from flagstaff.config import Settings
from flagstaff.http.context import AppContext
from tests.api.credentials.api_tokens.helpers import auth, make_api_token
from tests.api.metrics.helpers import PATH, parse
from tests.api.service_accounts.helpers import bearer, create_account, create_token, in_days
from tests.factories import PASSWORD, login, make_user


@pytest.fixture
def guarded(settings: Settings, context: AppContext) -> Iterator[TestClient]:
    required = settings.model_copy(update={"prometheus_require_auth": True})
    context.settings = required
    with TestClient(create_app(required, context)) as client:
        yield client


def _pat(client: TestClient) -> str:
    response = client.post(
        "/api/admin/user/tokens", json={"description": "scrape", "expiresAt": in_days(5)}
    )
    assert response.status_code == 201, response.text
    secret: str = response.json()["secret"]
    return secret


def _refused(response: Any, status: int) -> None:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) >= {"id", "name", "message"}
    assert "flagstaff_" not in response.text


def test_required__no_credential__401(guarded: TestClient) -> None:
    _refused(guarded.get(PATH), 401)


def test_required__unknown_token__401(guarded: TestClient) -> None:
    _refused(guarded.get(PATH, headers=bearer("user:0123456789abcdef0123456789abcdef")), 401)


def test_required__viewer_session_and_viewer_token__403(
    guarded: TestClient, context: AppContext
) -> None:
    viewer = make_user(context, role="Viewer")
    session = login(guarded, viewer.username, viewer.password)
    _refused(session.get(PATH), 403)
    secret = _pat(session)
    session.cookies.clear()
    _refused(guarded.get(PATH, headers=bearer(secret)), 403)


@pytest.mark.parametrize("kind", ["client", "frontend"])
def test_required__sdk_token__403(guarded: TestClient, context: AppContext, kind: str) -> None:
    _refused(guarded.get(PATH, headers=auth(make_api_token(context, kind))), 403)


def test_required__admin_api_token_admin_pat_and_admin_service_account__200(
    guarded: TestClient, context: AppContext
) -> None:
    admin = make_user(context, role="Admin", username="admin")
    session = login(guarded, admin.username, PASSWORD)
    personal = _pat(session)
    account = create_account(session, "scraper", role="Admin")
    service = create_token(session, account["id"])["secret"]
    session.cookies.clear()
    admin_api = make_api_token(context, "admin", environment="*")

    for headers in (auth(admin_api), bearer(personal), bearer(service)):
        response = guarded.get(PATH, headers=headers)
        assert response.status_code == 200, response.text
        assert "flagstaff_http_requests_total" in parse(response.text).names
