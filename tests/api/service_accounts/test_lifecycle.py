from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient

from tests.api.service_accounts.helpers import BASE, bearer, create_account, create_token


def test_service_account__created__listed_with_empty_tokens_and_root_roles(
    admin_client: TestClient,
) -> None:
    response = admin_client.post(
        BASE, json={"username": "service-ci", "name": "CI pipeline", "rootRole": 2}
    )
    assert response.status_code == 201
    created = response.json()
    assert response.headers["location"] == f"{BASE}/{created['id']}"
    assert created["username"] == "service-ci"
    assert created["rootRole"] == 2
    assert created["tokens"] == []

    listing = admin_client.get(BASE).json()
    assert [a["username"] for a in listing["serviceAccounts"]] == ["service-ci"]
    assert listing["serviceAccounts"][0]["tokens"] == []
    assert {r["name"] for r in listing["rootRoles"]} >= {"Admin", "Editor", "Viewer"}


def test_token__used_on_admin_api__acts_as_the_service_account(
    admin_client: TestClient, new_client: Callable[[], TestClient]
) -> None:
    account = create_account(admin_client, role="Viewer")
    token = create_token(admin_client, account["id"])
    assert token["secret"].startswith("user:fsa_")

    me = new_client().get("/api/admin/user", headers=bearer(token["secret"]))
    assert me.status_code == 200
    assert me.json()["user"]["accountType"] == "Service Account"
    assert me.json()["user"]["username"] == "service-ci"
    assert me.json()["permissions"] == []

    listed = admin_client.get(f"{BASE}/{account['id']}/token").json()["pats"]
    assert [t["description"] for t in listed] == ["deploy"]
    assert "secret" not in listed[0]


def test_token__deleted__refused_at_once(
    admin_client: TestClient, new_client: Callable[[], TestClient]
) -> None:
    account = create_account(admin_client)
    token = create_token(admin_client, account["id"])
    caller = new_client()
    assert caller.get("/api/admin/user", headers=bearer(token["secret"])).status_code == 200

    deleted = admin_client.delete(f"{BASE}/{account['id']}/token/{token['id']}")
    assert deleted.status_code == 200
    assert caller.get("/api/admin/user", headers=bearer(token["secret"])).status_code == 401


def test_account__deleted__its_tokens_refused_and_events_keep_its_name(
    admin_client: TestClient, new_client: Callable[[], TestClient]
) -> None:
    account = create_account(admin_client)
    token = create_token(admin_client, account["id"])
    caller = new_client()
    assert caller.get("/api/admin/user", headers=bearer(token["secret"])).status_code == 200

    assert admin_client.delete(f"{BASE}/{account['id']}").status_code == 200
    assert caller.get("/api/admin/user", headers=bearer(token["secret"])).status_code == 401
    assert admin_client.get(f"{BASE}/{account['id']}/token").status_code == 404

    events = admin_client.get("/api/admin/search/events?type=IS:service-account-deleted").json()
    assert events["events"][0]["preData"]["username"] == "service-ci"
