from __future__ import annotations

import re
import time
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from flagstaff.credentials.api_tokens.models import ApiToken
from flagstaff.http.context import AppContext
from flagstaff.rbac.principal import ADMIN_TOKEN_USER_ID
from tests.api.credentials.api_tokens.helpers import (
    BASE,
    auth,
    create_via_api,
    events_of,
    in_days,
    make_api_token,
    make_project,
)
from tests.conftest import FAST_PASSWORDS

HEX56 = r"[0-9a-f]{56}"


@pytest.mark.parametrize(
    ("fields", "shape"),
    [
        ({"projects": ["default"]}, rf"^default:development\.{HEX56}$"),
        ({"project": "default"}, rf"^default:development\.{HEX56}$"),
        ({}, rf"^\*:development\.{HEX56}$"),
        ({"projects": ["*"]}, rf"^\*:development\.{HEX56}$"),
        ({"type": "frontend", "environment": "production"}, rf"^\*:production\.{HEX56}$"),
        ({"type": "admin", "environment": "*"}, rf"^\*:\*\.{HEX56}$"),
        ({"type": "admin", "environment": None}, rf"^\*:\*\.{HEX56}$"),
    ],
)
def test_create__scope__unleash_secret_shape(
    admin_client: TestClient, fields: dict[str, object], shape: str
) -> None:
    created = create_via_api(admin_client, **fields)
    assert re.match(shape, created["secret"]), created["secret"]
    assert created["secure"] is True


def test_create__several_projects__bracket_prefix(
    admin_client: TestClient, context: AppContext
) -> None:
    make_project(context, "second")
    created = create_via_api(admin_client, projects=["default", "second"])
    assert re.match(rf"^\[\]:development\.{HEX56}$", created["secret"])
    assert created["projects"] == ["default", "second"]


def test_create__backend_type__reported_as_client(admin_client: TestClient) -> None:
    created = create_via_api(admin_client, type="BACKEND")
    assert created["type"] == "client"


def test_create__response__unleash_fields_and_location(admin_client: TestClient) -> None:
    response = admin_client.post(
        BASE,
        json={
            "tokenName": "web",
            "type": "frontend",
            "environment": "production",
            "projects": ["default"],
            "expiresAt": in_days(10),
        },
    )
    assert response.status_code == 201
    body = response.json()
    assert set(body) == {
        "secret",
        "tokenName",
        "type",
        "environment",
        "project",
        "projects",
        "expiresAt",
        "createdAt",
        "seenAt",
        "alias",
        "secure",
        "createdBy",  # Flagstaff: who created it
        "createdByUserId",
    }
    assert body["tokenName"] == "web"
    assert body["project"] == "default"
    assert body["expiresAt"].endswith("Z")
    assert response.headers["location"].startswith(BASE + "/")


def test_list__after_create__secret_never_shown_again(
    admin_client: TestClient, context: AppContext
) -> None:
    created = create_via_api(admin_client)
    listed = admin_client.get(BASE).json()["tokens"]
    assert len(listed) == 1
    assert listed[0]["secret"] != created["secret"]
    assert created["secret"] not in admin_client.get(BASE).text
    by_name = admin_client.get(f"{BASE}/sdk").json()["tokens"]
    assert [t["secret"] for t in by_name] == [listed[0]["secret"]]
    assert admin_client.get(f"{BASE}/other").json() == {"tokens": []}


def test_storage__database_row__holds_only_hash_and_hint(
    admin_client: TestClient, context: AppContext
) -> None:
    secret = create_via_api(admin_client)["secret"]
    random_part = secret.split(".", 1)[1]
    with context.database.session(write=False) as session:
        row = session.scalars(select(ApiToken)).one()
        values = [str(getattr(row, c.key)) for c in ApiToken.__table__.columns]
    assert not any(random_part in value for value in values)
    assert row.digest == context.keys.digest("api-token", secret)
    assert len(random_part) * 4 >= 160


def test_events__create_update_delete__recorded_without_secret(
    admin_client: TestClient, context: AppContext
) -> None:
    created = create_via_api(admin_client)
    selector = admin_client.get(BASE).json()["tokens"][0]["secret"]
    assert admin_client.put(f"{BASE}/{selector}", json={"expiresAt": in_days(3)}).status_code == 200
    assert admin_client.delete(f"{BASE}/{created['secret']}").status_code == 200
    random_part = created["secret"].split(".", 1)[1]
    for kind in ("api-token-created", "api-token-updated", "api-token-deleted"):
        (event,) = events_of(context, kind)
        assert event.created_by == "admin"
        assert random_part not in str(event.data) + str(event.pre_data)
        assert event.data["tokenName"] == "sdk"
    (updated,) = events_of(context, "api-token-updated")
    assert updated.pre_data["expiresAt"] is None
    assert updated.data["expiresAt"] is not None
    assert admin_client.get(BASE).json() == {"tokens": []}


def test_update__unknown_token__ok_and_nothing_changes(
    admin_client: TestClient, context: AppContext
) -> None:
    response = admin_client.put(f"{BASE}/nope", json={"expiresAt": in_days(3)})
    assert response.status_code == 200
    assert admin_client.delete(f"{BASE}/nope").status_code == 200
    assert events_of(context, "api-token-updated") == []


def test_admin_token__admin_api__acts_audited_as_token_name(
    client: TestClient, context: AppContext
) -> None:
    secret = make_api_token(context, "admin", environment="*", name="ci-admin")
    response = client.post(
        BASE,
        json={"tokenName": "made-by-admin-token", "type": "client", "environment": "development"},
        headers=auth(secret),
    )
    assert response.status_code == 201, response.text
    (event,) = [e for e in events_of(context, "api-token-created") if e.created_by == "ci-admin"]
    assert event.created_by_user_id == ADMIN_TOKEN_USER_ID


def test_admin_token__bearer_prefix__accepted(client: TestClient, context: AppContext) -> None:
    secret = make_api_token(context, "admin", environment="*")
    assert client.get(BASE, headers={"Authorization": f"Bearer {secret}"}).status_code == 200


@pytest.mark.parametrize("kind", ["client", "frontend"])
def test_sdk_token__admin_api__wrong_token_type(
    client: TestClient, context: AppContext, kind: str
) -> None:
    secret = make_api_token(context, kind)
    response = client.get(BASE, headers=auth(secret))
    assert response.status_code == 403
    assert response.json()["message"] == (
        "invalid token: expected a different token type for this endpoint"
    )


def test_admin_token__expired__unauthorized(client: TestClient, context: AppContext) -> None:
    secret = make_api_token(context, "admin", environment="*")
    with context.database.transaction() as session:
        row = session.scalars(select(ApiToken)).one()
        row.expires_at = datetime.now(UTC) - timedelta(seconds=1)
    context.credentials.clear()
    assert client.get(BASE, headers=auth(secret)).status_code == 401


def test_admin_token__expiry_moved_forward__works_again(
    admin_client: TestClient, client: TestClient, context: AppContext
) -> None:
    soon = datetime.now(UTC) + timedelta(seconds=1)
    secret = make_api_token(context, "admin", environment="*", expires_at=soon)
    assert client.get(BASE, headers=auth(secret)).status_code == 200
    time.sleep(1.1)
    assert client.get(BASE, headers=auth(secret)).status_code == 401
    assert admin_client.put(f"{BASE}/{secret}", json={"expiresAt": in_days(1)}).status_code == 200
    assert client.get(BASE, headers=auth(secret)).status_code == 200


def test_seen_at__used_then_flushed__shown_in_list(
    admin_client: TestClient, client: TestClient, context: AppContext
) -> None:
    secret = make_api_token(context, "admin", environment="*")
    assert admin_client.get(BASE).json()["tokens"][0]["seenAt"] is None
    client.get(BASE, headers=auth(secret))
    context.seen.flush()
    assert admin_client.get(BASE).json()["tokens"][0]["seenAt"] is not None


def test_delete__other_process__refused_there_within_a_second(
    admin_client: TestClient, context: AppContext
) -> None:
    secret = make_api_token(context, "admin", environment="*")
    other = AppContext.build(context.settings, passwords=FAST_PASSWORDS)
    other.watcher.start()
    try:
        assert other.resolver.from_token(secret) is not None  # now cached over there
        assert admin_client.delete(f"{BASE}/{secret}").status_code == 200
        deadline = time.monotonic() + 1.0
        while other.resolver.from_token(secret) is not None and time.monotonic() < deadline:
            time.sleep(0.02)
        assert other.resolver.from_token(secret) is None
    finally:
        other.watcher.stop()
        other.database.dispose()
