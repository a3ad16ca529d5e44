"""The per-token audit trail (which token, from where, with what client; the last five
addresses) and who-am-I for tokens."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient

from flagstaff.config import Settings
from flagstaff.http.context import AppContext
from tests.api.credentials.account_tokens.helpers import (
    BASE,
    assert_error,
    bearer,
    create_token,
    sa_with_token,
    tokens,
)

SELF = "/api/admin/user/tokens/self"


def _make_flag(client: TestClient, secret: str, name: str, **headers: str) -> None:
    response = client.post(
        "/api/admin/projects/default/features",
        json={"name": name},
        headers={**bearer(secret), **headers},
    )
    assert response.status_code == 201, response.text


def test_event__made_with_a_token__names_token_address_and_client(
    admin_client: TestClient, new_client: Callable[[], TestClient]
) -> None:
    _, token = sa_with_token(admin_client)
    _make_flag(new_client(), token["secret"], "audited", **{"User-Agent": "deploy-bot/1.2"})
    [event] = admin_client.get(
        "/api/admin/search/events", params={"type": "feature-created"}
    ).json()["events"]
    assert event["createdBy"] == "service-ci"
    assert (event["tokenId"], event["tokenHint"]) == (token["id"], token["hint"])
    assert event["ip"] == "testclient"
    assert event["userAgent"] == "deploy-bot/1.2"
    assert token["secret"] not in str(event)


def test_event__made_in_a_session__no_token(admin_client: TestClient) -> None:
    admin_client.post("/api/admin/projects/default/features", json={"name": "by-hand"})
    [event] = admin_client.get(
        "/api/admin/search/events", params={"type": "feature-created"}
    ).json()["events"]
    assert (event["tokenId"], event["tokenHint"]) == (None, None)


def test_events__filtered_by_token(
    admin_client: TestClient, new_client: Callable[[], TestClient]
) -> None:
    account_id, first = sa_with_token(admin_client)
    second = create_token(admin_client, account_id, "second")
    _make_flag(new_client(), first["secret"], "one")
    _make_flag(new_client(), second["secret"], "two")
    found = admin_client.get("/api/admin/search/events", params={"tokenId": second["id"]}).json()
    assert [e["featureName"] for e in found["events"]] == ["two"]
    bad = admin_client.get("/api/admin/search/events", params={"tokenId": "abc"})
    assert_error(bad, 400, "tokenId")


def test_addresses__last_five_distinct_kept_by_the_flush(
    admin_client: TestClient,
    new_client: Callable[[], TestClient],
    context: AppContext,
    settings: Settings,
) -> None:
    context.settings = settings.model_copy(update={"trust_proxy_headers": True})
    account_id, token = sa_with_token(admin_client)
    caller = new_client()
    for n in range(7):
        headers = {**bearer(token["secret"]), "X-Forwarded-For": f"10.0.0.{n}"}
        assert caller.get("/api/admin/user", headers=headers).status_code == 200
        context.seen.flush()
    [listed] = tokens(admin_client, account_id)
    assert [a["ip"] for a in listed["lastIps"]] == [f"10.0.0.{n}" for n in (6, 5, 4, 3, 2)]
    inventory = admin_client.get("/api/admin/tokens").json()["tokens"]
    assert [a["ip"] for a in inventory[0]["lastIps"]][:1] == ["10.0.0.6"]


def test_addresses__proxy_header_ignored_unless_trusted(
    admin_client: TestClient, new_client: Callable[[], TestClient], context: AppContext
) -> None:
    account_id, token = sa_with_token(admin_client)
    headers = {**bearer(token["secret"]), "X-Forwarded-For": "203.0.113.9"}
    new_client().get("/api/admin/user", headers=headers)
    context.seen.flush()
    assert [a["ip"] for a in tokens(admin_client, account_id)[0]["lastIps"]] == ["testclient"]


def test_me__service_account_token__answers_with_the_account(
    admin_client: TestClient, new_client: Callable[[], TestClient]
) -> None:
    account_id, token = sa_with_token(admin_client)
    me = new_client().get("/api/admin/user", headers=bearer(token["secret"])).json()
    assert (me["user"]["id"], me["user"]["accountType"]) == (account_id, "Service Account")
    assert me["permissions"]


def test_self__token__itself_its_account_and_permissions(
    admin_client: TestClient, new_client: Callable[[], TestClient]
) -> None:
    account_id, token = sa_with_token(admin_client, role="Editor")
    body = new_client().get(SELF, headers=bearer(token["secret"])).json()
    assert body["account"]["id"] == account_id
    assert body["account"]["username"] == "service-ci"
    assert body["token"]["id"] == token["id"]
    assert body["token"]["state"] == "active"
    assert body["token"]["scopes"] is None
    assert {"project": "default", "permission": "CREATE_FEATURE"} in body["permissions"]
    assert token["secret"] not in str(body)


def test_self__scoped_token__its_narrow_permissions(
    admin_client: TestClient, new_client: Callable[[], TestClient]
) -> None:
    account = admin_client.post(
        BASE, json={"username": "service-narrow", "name": "N", "rootRole": "Admin"}
    ).json()
    token = admin_client.post(
        f"{BASE}/{account['id']}/token",
        json={
            "description": "narrow",
            "expiresAt": "2030-01-01T00:00:00Z",
            "scopes": {
                "permissions": ["UPDATE_FEATURE_ENVIRONMENT"],
                "environments": ["production"],
            },
        },
    ).json()
    body = new_client().get(SELF, headers=bearer(token["secret"])).json()
    assert body["permissions"] == [
        {
            "project": "default",
            "environment": "production",
            "permission": "UPDATE_FEATURE_ENVIRONMENT",
        }
    ]


def test_self__session_or_api_token__403(
    admin_client: TestClient, new_client: Callable[[], TestClient]
) -> None:
    assert_error(admin_client.get(SELF), 403, "only an account token")
    api = admin_client.post(
        "/api/admin/api-tokens", json={"tokenName": "ops", "type": "admin"}
    ).json()["secret"]
    assert new_client().get(SELF, headers=bearer(api)).status_code == 403
    assert new_client().get(SELF).status_code == 401
