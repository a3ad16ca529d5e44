"""The event log names the acting account for every change made with a token."""

from __future__ import annotations

import json
from collections.abc import Callable

from fastapi.testclient import TestClient

from tests.api.service_accounts.helpers import BASE, bearer, create_account, create_token, in_days


def _events(client: TestClient, type_: str) -> list[dict[str, object]]:
    response = client.get(f"/api/admin/search/events?type=IS:{type_}")
    assert response.status_code == 200
    events: list[dict[str, object]] = response.json()["events"]
    return events


def test_change_made_with_service_account_token__event_names_the_account(
    admin_client: TestClient, new_client: Callable[[], TestClient]
) -> None:
    account = create_account(admin_client, "service-terraform", role="Admin")
    token = create_token(admin_client, account["id"])
    caller = new_client()
    caller.headers.update(bearer(token["secret"]))
    created = caller.post(
        "/api/admin/user-admin", json={"username": "made-by-bot", "rootRole": "Viewer"}
    )
    assert created.status_code == 201
    event = _events(admin_client, "user-created")[0]
    assert event["createdBy"] == "service-terraform"
    assert event["createdByUserId"] == account["id"]


def test_change_made_with_personal_token__event_names_the_person(
    admin_client: TestClient, new_client: Callable[[], TestClient]
) -> None:
    pat = admin_client.post(
        "/api/admin/user/tokens", json={"description": "laptop", "expiresAt": in_days(1)}
    ).json()
    caller = new_client()
    caller.headers.update(bearer(pat["secret"]))
    assert (
        caller.post(
            "/api/admin/user-admin", json={"email": "a@b.example", "rootRole": 3}
        ).status_code
        == 201
    )
    event = _events(admin_client, "user-created")[0]
    assert event["createdBy"] == "admin"


def test_service_account_events__lifecycle_recorded_without_secrets(
    admin_client: TestClient,
) -> None:
    account = create_account(admin_client)
    token = create_token(admin_client, account["id"])
    admin_client.put(f"{BASE}/{account['id']}", json={"name": "Renamed"})
    admin_client.delete(f"{BASE}/{account['id']}/token/{token['id']}")
    admin_client.delete(f"{BASE}/{account['id']}")

    created = _events(admin_client, "service-account-created")[0]
    assert created["data"]["username"] == "service-ci"  # type: ignore[index]
    updated = _events(admin_client, "service-account-updated")[0]
    assert updated["preData"]["name"] == "CI"  # type: ignore[index]
    assert updated["data"]["name"] == "Renamed"  # type: ignore[index]
    token_created = _events(admin_client, "service-account-token-created")[0]
    assert token_created["data"]["ownerId"] == account["id"]  # type: ignore[index]
    token_deleted = _events(admin_client, "service-account-token-deleted")[0]
    assert token_deleted["data"]["ownerId"] == account["id"]  # type: ignore[index]
    assert _events(admin_client, "service-account-deleted")
    assert _events(admin_client, "pat-created") == []

    every_event = json.dumps(admin_client.get("/api/admin/search/events?limit=1000").json())
    assert token["secret"] not in every_event
    assert token["secret"][9:30] not in every_event


def test_personal_token_events__pat_created_and_deleted(admin_client: TestClient) -> None:
    pat = admin_client.post(
        "/api/admin/user/tokens", json={"description": "laptop", "expiresAt": in_days(1)}
    ).json()
    assert admin_client.delete(f"/api/admin/user/tokens/{pat['id']}").status_code == 200
    created = _events(admin_client, "pat-created")[0]
    assert created["data"]["description"] == "laptop"  # type: ignore[index]
    assert "secret" not in json.dumps(created)
    assert _events(admin_client, "pat-deleted")[0]["data"]["id"] == pat["id"]  # type: ignore[index]
