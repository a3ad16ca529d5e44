"""Managers: people an admin lets look after one service account's tokens, within their own
permissions, never its role or its existence."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi.testclient import TestClient

from flagstaff.http.context import AppContext
from tests.api.service_accounts.helpers import BASE, create_account, create_token, in_days
from tests.factories import UserHandle, login, make_user


def _managed(
    admin: TestClient, context: AppContext, role: str = "Editor"
) -> tuple[int, UserHandle]:
    account = create_account(admin, "service-team", role="Editor")
    manager = make_user(context, role=role)
    response = admin.put(f"{BASE}/{account['id']}/managers", json={"managers": [manager.id]})
    assert response.status_code == 200, response.text
    assert [m["id"] for m in response.json()["managers"]] == [manager.id]
    return account["id"], manager


def _scoped_token(manager: TestClient, account_id: int, **scopes: Any) -> Any:
    return manager.post(
        f"{BASE}/{account_id}/token",
        json={"description": "team", "expiresAt": in_days(10), "scopes": scopes},
    )


def test_manager__sees_only_the_accounts_it_manages(
    admin_client: TestClient, new_client: Callable[[], TestClient], context: AppContext
) -> None:
    account_id, handle = _managed(admin_client, context)
    create_account(admin_client, "service-other")
    manager = login(new_client(), handle.username)
    listed = manager.get(BASE).json()["serviceAccounts"]
    assert [a["id"] for a in listed] == [account_id]


def test_manager__looks_after_the_tokens_within_its_permissions(
    admin_client: TestClient, new_client: Callable[[], TestClient], context: AppContext
) -> None:
    account_id, handle = _managed(admin_client, context)
    manager = login(new_client(), handle.username)

    created = _scoped_token(
        manager, account_id, permissions=["UPDATE_FEATURE"], projects=["default"]
    )
    assert created.status_code == 201, created.text
    token_id = created.json()["id"]
    assert manager.get(f"{BASE}/{account_id}/token").status_code == 200
    rotated = manager.post(
        f"{BASE}/{account_id}/token/{token_id}/rotate", json={"graceSeconds": 60}
    )
    assert rotated.status_code == 201
    new_id = rotated.json()["id"]
    assert manager.post(f"{BASE}/{account_id}/token/{new_id}/disable").status_code == 200
    assert manager.delete(f"{BASE}/{account_id}/token/{new_id}").status_code == 200

    events = admin_client.get(
        "/api/admin/search/events", params={"type": "service-account-token-rotated"}
    ).json()["events"]
    assert events[0]["createdBy"] == handle.username


def test_manager__unscoped_or_beyond_its_permissions__403(
    admin_client: TestClient, new_client: Callable[[], TestClient], context: AppContext
) -> None:
    account_id, handle = _managed(admin_client, context)
    manager = login(new_client(), handle.username)
    unscoped = manager.post(
        f"{BASE}/{account_id}/token", json={"description": "all", "expiresAt": in_days(5)}
    )
    assert unscoped.status_code == 403
    read_only = _scoped_token(manager, account_id, permissions="read")
    assert read_only.status_code == 403
    beyond = _scoped_token(manager, account_id, permissions=["UPDATE_CORS"])
    assert beyond.status_code == 403
    assert admin_client.get(f"{BASE}/{account_id}/token").json()["pats"] == []


def test_manager__never_the_role_or_the_account(
    admin_client: TestClient, new_client: Callable[[], TestClient], context: AppContext
) -> None:
    account_id, handle = _managed(admin_client, context)
    manager = login(new_client(), handle.username)
    assert manager.put(f"{BASE}/{account_id}", json={"rootRole": "Admin"}).status_code == 403
    assert manager.delete(f"{BASE}/{account_id}").status_code == 403
    assert manager.post(f"{BASE}/{account_id}/disable").status_code == 403
    assert manager.put(f"{BASE}/{account_id}/managers", json={"managers": []}).status_code == 403


def test_manager__other_accounts__403(
    admin_client: TestClient, new_client: Callable[[], TestClient], context: AppContext
) -> None:
    _, handle = _managed(admin_client, context)
    other = create_account(admin_client, "service-other")
    token = create_token(admin_client, other["id"])
    manager = login(new_client(), handle.username)
    assert manager.get(f"{BASE}/{other['id']}/token").status_code == 403
    assert manager.delete(f"{BASE}/{other['id']}/token/{token['id']}").status_code == 403


def test_managers__removed__loses_access(
    admin_client: TestClient, new_client: Callable[[], TestClient], context: AppContext
) -> None:
    account_id, handle = _managed(admin_client, context)
    manager = login(new_client(), handle.username)
    assert manager.get(f"{BASE}/{account_id}/token").status_code == 200
    admin_client.put(f"{BASE}/{account_id}/managers", json={"managers": []})
    assert manager.get(f"{BASE}/{account_id}/token").status_code == 403


def test_managers__event_names_before_and_after(
    admin_client: TestClient, context: AppContext
) -> None:
    account_id, handle = _managed(admin_client, context)
    [event] = admin_client.get(
        "/api/admin/search/events", params={"type": "service-account-updated"}
    ).json()["events"]
    assert (event["data"]["managers"], event["preData"]["managers"]) == ([handle.id], [])
    assert event["data"]["id"] == account_id


def test_managers__bad_input__400_or_404(admin_client: TestClient, context: AppContext) -> None:
    account = create_account(admin_client, "service-x")
    other = create_account(admin_client, "service-y")
    path = f"{BASE}/{account['id']}/managers"
    for body in ({}, {"managers": "1"}, {"managers": [0]}, {"managers": [1] * 101}):
        assert admin_client.put(path, json=body).status_code == 400, body
    not_a_person = admin_client.put(path, json={"managers": [other["id"]]})
    assert not_a_person.status_code == 400
    assert admin_client.put(f"{BASE}/999999/managers", json={"managers": []}).status_code == 404
