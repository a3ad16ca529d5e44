"""The OIDC token exchange against a real issuer on loopback: a signed ID token in, a working
short-lived token of the service account out, marked as federated in lists and events."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from fastapi.testclient import TestClient

from flagstaff.core.db import utcnow
from flagstaff.http.context import AppContext
from tests.api.credentials.federation.helpers import create_policy, exchange
from tests.api.service_accounts.helpers import bearer, create_account, create_token
from tests.oidc_issuer import Issuer, IssuerServer


def _setup(client: TestClient, issuer: Issuer, **policy: Any) -> dict[str, Any]:
    account = create_account(client, username="service-deploy", role="Editor")
    create_policy(client, account["id"], issuer=issuer.url, **policy)
    return account


def test_exchange__form_body_rs256__token_works_on_the_admin_api(
    admin_client: TestClient, new_client: Any, issuer: Issuer
) -> None:
    account = _setup(admin_client, issuer)
    response = exchange(new_client(), issuer.sign())
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["issued_token_type"] == "urn:ietf:params:oauth:token-type:access_token"
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == 3600
    assert body["access_token"].startswith("user:")
    assert response.headers["cache-control"] == "no-store"

    caller = new_client()
    caller.headers.update(bearer(body["access_token"]))
    me = caller.get("/api/admin/user/tokens/self")
    assert me.status_code == 200, me.text
    assert me.json()["account"]["username"] == "service-deploy"
    created = caller.post("/api/admin/projects", json={"id": "shop", "name": "Shop"})
    assert created.status_code in (200, 201), created.text
    [project_event] = admin_client.get("/api/admin/search/events?type=IS:project-created").json()[
        "events"
    ]
    assert project_event["createdBy"] == "service-deploy"
    assert account["id"] == me.json()["account"]["id"]


def test_exchange__json_body_es256_named_account__200(
    admin_client: TestClient, new_client: Any, issuer: Issuer
) -> None:
    _setup(admin_client, issuer)
    token = issuer.sign(algorithm="ES256")
    response = exchange(new_client(), token, service_account="service-deploy", form=False)
    assert response.status_code == 200, response.text


def test_exchange__listed_as_federated_with_an_event_naming_the_account(
    admin_client: TestClient, new_client: Any, issuer: Issuer
) -> None:
    account = _setup(admin_client, issuer)
    assert exchange(new_client(), issuer.sign()).status_code == 200
    [token] = admin_client.get(f"/api/admin/service-account/{account['id']}/token").json()["pats"]
    assert token["federated"]["issuer"] == issuer.url
    assert token["federated"]["subject"] == "repo:acme/shop:ref:refs/heads/main"
    assert token["federated"]["trustPolicyId"] is not None
    inventory = admin_client.get("/api/admin/tokens").json()
    [row] = [t for t in inventory["tokens"] if t["id"] == token["id"]]
    assert row["federated"]["issuer"] == issuer.url

    events = admin_client.get(
        "/api/admin/search/events?type=IS:service-account-token-exchanged"
    ).json()["events"]
    [event] = events
    assert event["createdBy"] == "service-deploy"
    assert event["data"]["issuer"] == issuer.url
    assert event["data"]["subject"] == "repo:acme/shop:ref:refs/heads/main"
    assert event["data"]["matchedClaims"] == {"ref": "refs/heads/main", "repository": "acme/shop"}
    assert event["data"]["trustPolicy"]["name"] == "deploy from main"
    assert "access_token" not in str(event)


def test_exchange__lifetime__policy_then_server_cap(
    admin_client: TestClient, new_client: Any, issuer: Issuer, context: AppContext
) -> None:
    _setup(admin_client, issuer, maxTokenLifetimeSeconds=900)
    assert exchange(new_client(), issuer.sign()).json()["expires_in"] == 900
    context.settings.oidc_max_token_lifetime_seconds = 300
    assert exchange(new_client(), issuer.sign()).json()["expires_in"] == 300


def test_exchange__policy_scopes__token_is_read_only(
    admin_client: TestClient, new_client: Any, issuer: Issuer
) -> None:
    _setup(admin_client, issuer, scopes={"permissions": "read"})
    secret = exchange(new_client(), issuer.sign()).json()["access_token"]
    caller = new_client()
    caller.headers.update(bearer(secret))
    assert caller.get("/api/admin/projects").status_code == 200
    assert caller.post("/api/admin/projects", json={"id": "x", "name": "X"}).status_code == 403


def test_exchange__glob_condition__matches_any_branch_of_the_repository(
    admin_client: TestClient, new_client: Any, issuer: Issuer
) -> None:
    _setup(admin_client, issuer, conditions={"sub": "repo:acme/shop:*"})
    token = issuer.sign(sub="repo:acme/shop:ref:refs/heads/feature-x")
    assert exchange(new_client(), token).status_code == 200
    other = issuer.sign(sub="repo:acme/other:ref:refs/heads/main")
    assert exchange(new_client(), other).status_code == 401


def test_exchange__federated_tokens_do_not_count_towards_the_limit(
    admin_client: TestClient, new_client: Any, issuer: Issuer, context: AppContext
) -> None:
    account = _setup(admin_client, issuer)
    context.settings.max_tokens_per_account = 1
    create_token(admin_client, account["id"])
    assert exchange(new_client(), issuer.sign()).status_code == 200
    assert exchange(new_client(), issuer.sign()).status_code == 200


def test_exchange__several_accounts_trust_the_token__must_name_one(
    admin_client: TestClient, new_client: Any, issuer: Issuer
) -> None:
    for username in ("service-a", "service-b"):
        account = create_account(admin_client, username=username)
        create_policy(admin_client, account["id"], issuer=issuer.url)
    ambiguous = exchange(new_client(), issuer.sign())
    assert ambiguous.status_code == 401
    assert ambiguous.json()["message"].startswith("ambiguous service account")
    named = exchange(new_client(), issuer.sign(), service_account="service-b")
    assert named.status_code == 200
    events = admin_client.get(
        "/api/admin/search/events?type=IS:service-account-token-exchanged"
    ).json()["events"]
    assert [e["createdBy"] for e in events] == ["service-b"]


def test_exchange__keys_fetched_once_while_cached(
    admin_client: TestClient, new_client: Any, issuer: Issuer
) -> None:
    _setup(admin_client, issuer)
    for _ in range(3):
        assert exchange(new_client(), issuer.sign()).status_code == 200
    assert issuer.fetches == 1


def test_exchange__disabled_account__401_then_enabled__200(
    admin_client: TestClient, new_client: Any, issuer: Issuer
) -> None:
    account = _setup(admin_client, issuer)
    admin_client.post(f"/api/admin/service-account/{account['id']}/disable")
    refused = exchange(new_client(), issuer.sign())
    assert refused.status_code == 401
    assert refused.json()["message"].startswith("service account disabled")
    admin_client.post(f"/api/admin/service-account/{account['id']}/enable")
    assert exchange(new_client(), issuer.sign()).status_code == 200


def test_exchange__deleted_account__untrusted_issuer(
    admin_client: TestClient, new_client: Any, issuer: Issuer
) -> None:
    account = _setup(admin_client, issuer)
    admin_client.delete(f"/api/admin/service-account/{account['id']}")
    refused = exchange(new_client(), issuer.sign())
    assert refused.status_code == 401
    assert refused.json()["message"].startswith("untrusted issuer")


def test_exchange__rate_limited_per_address__429(
    admin_client: TestClient, new_client: Any, issuer: Issuer, context: AppContext
) -> None:
    _setup(admin_client, issuer)
    context.settings.oidc_exchanges_per_minute = 2
    client = new_client()
    assert exchange(client, issuer.sign()).status_code == 200
    assert exchange(client, "not-a-token").status_code == 401
    limited = exchange(client, issuer.sign())
    assert limited.status_code == 429
    assert limited.headers["retry-after"] == "60"


def test_exchange__issuer_server_shared__other_issuers_keys_are_not_accepted(
    admin_client: TestClient, new_client: Any, issuer: Issuer, issuer_server: IssuerServer
) -> None:
    """A token signed by another issuer's key but claiming the trusted issuer: the trusted
    issuer's key set does not hold that key id."""
    _setup(admin_client, issuer)
    other = issuer_server.issuer()
    forged = other.sign(issuer.claims())
    refused = exchange(new_client(), forged)
    assert refused.status_code == 401
    assert refused.json()["message"].startswith("invalid token")


def test_token_job__no_expiry_notice__purged_a_day_after_expiry(
    admin_client: TestClient, new_client: Any, issuer: Issuer, context: AppContext
) -> None:
    account = _setup(admin_client, issuer)
    assert exchange(new_client(), issuer.sign()).status_code == 200
    context.token_jobs.run_once()
    notices = admin_client.get(
        "/api/admin/search/events?type=IS:service-account-token-expiring"
    ).json()["events"]
    assert notices == []
    context.token_jobs.run_once(utcnow() + timedelta(hours=12))
    assert (
        len(admin_client.get(f"/api/admin/service-account/{account['id']}/token").json()["pats"])
        == 1
    )
    context.token_jobs.run_once(utcnow() + timedelta(days=2))
    assert admin_client.get(f"/api/admin/service-account/{account['id']}/token").json() == {
        "pats": []
    }


def test_federated_token__cannot_be_rotated_or_rotate_itself__409(
    admin_client: TestClient, new_client: Any, issuer: Issuer
) -> None:
    """A successor would outlive the hour the trust policy allows."""
    account = _setup(admin_client, issuer)
    secret = exchange(new_client(), issuer.sign()).json()["access_token"]
    [token] = admin_client.get(f"/api/admin/service-account/{account['id']}/token").json()["pats"]
    url = f"/api/admin/service-account/{account['id']}/token/{token['id']}"
    assert admin_client.post(f"{url}/rotate").status_code == 409
    allowed = admin_client.put(f"{url}/self-rotation", json={"enabled": True})
    assert allowed.status_code == 409
    caller = new_client()
    caller.headers.update(bearer(secret))
    assert caller.post("/api/admin/user/tokens/self/rotate").status_code in (403, 409)
    assert admin_client.post(f"{url}/disable").status_code == 200
    assert caller.get("/api/admin/projects").status_code == 401
