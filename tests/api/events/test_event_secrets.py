"""No event ever holds a password or a secret, whoever records it."""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from flagstaff.events.service import scrub
from flagstaff.http.context import AppContext
from tests.api.events.helpers import all_events, record, search

PASSWORD = "Zebra-Crossing-42!"


@pytest.mark.parametrize(
    "key",
    [
        "password",
        "Password",
        "passwordHash",
        "password_hash",
        "oldPassword",
        "confirm-password",
        "secret",
        "clientSecret",
        "API_SECRET",
        "token",
        "accessToken",
        "refresh_token",
        "apiKey",
        "digest",
        "verifier",
        "authorization",
        "Cookie",
        "sessionId",
        "privateKey",
    ],
)
def test_scrub__secret_key__removed_at_any_depth(key: str) -> None:
    payload = {
        key: "s3cr3t",
        "nested": {key: "s3cr3t", "keep": 1},
        "list": [{key: "s3cr3t", "keep": 2}, "plain"],
        "tuple": ({key: "s3cr3t"},),
    }

    cleaned = scrub(payload)

    assert cleaned == {
        "nested": {"keep": 1},
        "list": [{"keep": 2}, "plain"],
        "tuple": [{}],
    }
    assert "s3cr3t" not in json.dumps(cleaned)


@pytest.mark.parametrize("key", ["tokenName", "tokens", "description", "secretName", "type"])
def test_scrub__key_describing_a_secret__kept(key: str) -> None:
    assert scrub({key: "value"}) == {key: "value"}


@pytest.mark.parametrize("payload", [None, "text", 5, [1, 2], {"a": {"b": [None]}}])
def test_scrub__nothing_secret__unchanged(payload: Any) -> None:
    assert scrub(payload) == payload


def test_record__secrets_in_data_and_pre_data__never_stored(context: AppContext) -> None:
    record(
        context,
        "pat-created",
        data={"id": 1, "description": "ci", "secret": "user:abc123", "auth": {"token": "t0k"}},
        pre_data={"password": PASSWORD, "passwordHash": "$argon2id$x"},
    )

    stored = all_events(context)[-1]

    assert stored.data == {"id": 1, "description": "ci", "auth": {}}
    assert stored.pre_data == {}
    raw = _raw_event_text(context)
    for leaked in ("user:abc123", "t0k", PASSWORD, "$argon2id$"):
        assert leaked not in raw


def test_user_lifecycle__password_given__in_no_event(
    admin_client: TestClient, context: AppContext
) -> None:
    created = admin_client.post(
        "/api/admin/user-admin",
        json={"username": "dana", "password": PASSWORD, "rootRole": "Viewer"},
    )
    assert created.status_code == 201, created.text
    user_id = created.json()["id"]
    new_password = "Another-Strong-Pass-7"
    changed = admin_client.post(
        f"/api/admin/user-admin/{user_id}/change-password", json={"password": new_password}
    )
    assert changed.status_code == 200, changed.text
    admin_client.put(f"/api/admin/user-admin/{user_id}", json={"name": "Dana"})
    admin_client.delete(f"/api/admin/user-admin/{user_id}")

    body = search(admin_client, limit=1000)

    assert {"user-created", "user-updated", "user-deleted"} <= {e["type"] for e in body["events"]}
    raw = _raw_event_text(context) + json.dumps(body)
    for leaked in (PASSWORD, new_password, "$argon2"):
        assert leaked not in raw


def _raw_event_text(context: AppContext) -> str:
    """Every stored event column as the database holds it."""
    with context.database.session(write=False) as session:
        rows = session.execute(text("SELECT * FROM events")).all()
    return json.dumps([[str(value) for value in row] for row in rows])
