"""Trust policies through the Admin API: create, list, read, replace, delete; who may; what the
event log records; and every kind of bad input refused with a 400 and nothing written."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from flagstaff.http.context import AppContext
from tests.api.credentials.api_tokens.helpers import make_api_token
from tests.api.credentials.federation.helpers import (
    GITHUB,
    create_policy,
    policies_url,
    policy_body,
)
from tests.api.service_accounts.helpers import bearer, create_account, create_token


def _events(client: TestClient, type: str) -> list[dict[str, Any]]:
    response = client.get(f"/api/admin/search/events?type=IS:{type}")
    found: list[dict[str, Any]] = response.json()["events"]
    return found


def test_create__policy__201_listed_and_event(admin_client: TestClient) -> None:
    account = create_account(admin_client)
    response = admin_client.post(
        policies_url(account["id"]),
        json=policy_body(maxTokenLifetimeSeconds=900, scopes={"permissions": "read"}),
    )
    assert response.status_code == 201, response.text
    policy = response.json()
    assert response.headers["location"].endswith(f"/trust-policies/{policy['id']}")
    assert policy["issuer"] == GITHUB
    assert policy["conditions"] == {"ref": "refs/heads/main", "repository": "acme/shop"}
    assert policy["maxTokenLifetimeSeconds"] == 900
    assert policy["scopes"] == {"permissions": "read", "projects": None, "environments": None}
    assert policy["createdBy"] == "admin"
    assert policy["serviceAccountId"] == account["id"]

    listed = admin_client.get(policies_url(account["id"])).json()["trustPolicies"]
    assert listed == [policy]
    assert admin_client.get(f"{policies_url(account['id'])}/{policy['id']}").json() == policy
    [event] = _events(admin_client, "service-account-trust-policy-created")
    assert event["data"]["serviceAccount"] == "service-ci"
    assert event["data"]["conditions"] == policy["conditions"]


def test_create__no_lifetime__the_servers_cap(
    admin_client: TestClient, context: AppContext
) -> None:
    context.settings.oidc_max_token_lifetime_seconds = 1800
    account = create_account(admin_client)
    assert create_policy(admin_client, account["id"])["maxTokenLifetimeSeconds"] == 1800


def test_create__lifetime_above_cap__400(admin_client: TestClient) -> None:
    account = create_account(admin_client)
    response = admin_client.post(
        policies_url(account["id"]), json=policy_body(maxTokenLifetimeSeconds=7200)
    )
    assert response.status_code == 400
    assert "at most 3600" in response.json()["message"]


def test_update__replaces_every_field__event_with_before_and_after(
    admin_client: TestClient,
) -> None:
    account = create_account(admin_client)
    policy = create_policy(admin_client, account["id"])
    url = f"{policies_url(account['id'])}/{policy['id']}"
    response = admin_client.put(
        url,
        json=policy_body(
            name="any branch", conditions={"sub": "repo:acme/shop:*"}, maxTokenLifetimeSeconds=600
        ),
    )
    assert response.status_code == 200, response.text
    updated = response.json()
    assert updated["name"] == "any branch"
    assert updated["conditions"] == {"sub": "repo:acme/shop:*"}
    assert updated["updatedAt"] is not None
    [event] = _events(admin_client, "service-account-trust-policy-updated")
    assert event["preData"]["conditions"] == policy["conditions"]
    assert event["data"]["maxTokenLifetimeSeconds"] == 600


def test_update__same_content__no_event(admin_client: TestClient) -> None:
    account = create_account(admin_client)
    policy = create_policy(admin_client, account["id"])
    url = f"{policies_url(account['id'])}/{policy['id']}"
    assert admin_client.put(url, json=policy_body()).status_code == 200
    assert _events(admin_client, "service-account-trust-policy-updated") == []


def test_delete__gone_and_event(admin_client: TestClient) -> None:
    account = create_account(admin_client)
    policy = create_policy(admin_client, account["id"])
    url = f"{policies_url(account['id'])}/{policy['id']}"
    assert admin_client.delete(url).status_code == 200
    assert admin_client.get(url).status_code == 404
    assert admin_client.delete(url).status_code == 404
    [event] = _events(admin_client, "service-account-trust-policy-deleted")
    assert event["preData"]["name"] == policy["name"]


def test_delete_account__policies_go_with_it(admin_client: TestClient) -> None:
    account = create_account(admin_client)
    create_policy(admin_client, account["id"])
    assert admin_client.delete(f"/api/admin/service-account/{account['id']}").status_code == 200
    assert admin_client.get(policies_url(account["id"])).status_code == 404


def test_create__same_name_twice__409_other_account_fine(admin_client: TestClient) -> None:
    first = create_account(admin_client, "service-a")
    second = create_account(admin_client, "service-b")
    create_policy(admin_client, first["id"])
    again = admin_client.post(policies_url(first["id"]), json=policy_body())
    assert again.status_code == 409
    assert again.json()["name"] == "NameExistsError"
    create_policy(admin_client, second["id"])


def test_update__to_a_taken_name__409_and_unchanged(admin_client: TestClient) -> None:
    account = create_account(admin_client)
    create_policy(admin_client, account["id"], name="one")
    other = create_policy(admin_client, account["id"], name="two")
    url = f"{policies_url(account['id'])}/{other['id']}"
    assert admin_client.put(url, json=policy_body(name="one")).status_code == 409
    assert admin_client.get(url).json()["name"] == "two"


def test_policy_of_another_account__404(admin_client: TestClient) -> None:
    first = create_account(admin_client, "service-a")
    second = create_account(admin_client, "service-b")
    policy = create_policy(admin_client, first["id"])
    url = f"{policies_url(second['id'])}/{policy['id']}"
    assert admin_client.get(url).status_code == 404
    assert admin_client.put(url, json=policy_body()).status_code == 404
    assert admin_client.delete(url).status_code == 404


def test_unknown_or_human_account__404(admin_client: TestClient, admin: Any) -> None:
    for account_id in (999_999, admin.id):
        assert admin_client.get(policies_url(account_id)).status_code == 404
        assert admin_client.post(policies_url(account_id), json=policy_body()).status_code == 404


def test_too_many_policies__403(admin_client: TestClient) -> None:
    account = create_account(admin_client)
    for n in range(20):
        create_policy(admin_client, account["id"], name=f"policy {n}")
    response = admin_client.post(policies_url(account["id"]), json=policy_body(name="one more"))
    assert response.status_code == 403


def test_admin_service_account__own_policies__403(admin_client: TestClient) -> None:
    """An Admin service account may manage other accounts' policies, never its own: a policy
    hands out tokens, and an account never mints itself tokens."""
    account = create_account(admin_client, username="service-admin", role="Admin")
    other = create_account(admin_client, username="service-other")
    own = create_policy(admin_client, account["id"])
    client = TestClient(admin_client.app)
    client.headers.update(bearer(create_token(admin_client, account["id"])["secret"]))
    url = policies_url(account["id"])
    assert client.get(url).status_code == 200
    assert client.post(url, json=policy_body(name="mine")).status_code == 403
    assert client.put(f"{url}/{own['id']}", json=policy_body(name="x")).status_code == 403
    assert client.delete(f"{url}/{own['id']}").status_code == 403
    assert client.post(policies_url(other["id"]), json=policy_body()).status_code == 201


def test_loopback_http_issuer__only_when_the_setting_allows(
    admin_client: TestClient, context: AppContext
) -> None:
    account = create_account(admin_client)
    body = policy_body(issuer="http://127.0.0.1:8765")
    refused = admin_client.post(policies_url(account["id"]), json=body)
    assert refused.status_code == 400
    assert "FLAGSTAFF_OIDC_ALLOW_LOOPBACK_HTTP" in refused.json()["message"]
    context.settings.oidc_allow_loopback_http = True
    assert admin_client.post(policies_url(account["id"]), json=body).status_code == 201


@pytest.mark.parametrize(
    "caller", ["editor", "viewer", "service-account token", "client token", "anonymous"]
)
def test_not_an_admin__refused(
    admin_client: TestClient,
    user_client: Any,
    new_client: Any,
    context: AppContext,
    caller: str,
) -> None:
    account = create_account(admin_client, role="Editor")
    policy = create_policy(admin_client, account["id"])
    if caller in ("editor", "viewer"):
        client = user_client(role=caller.capitalize())
    else:
        client = new_client()
        if caller == "service-account token":
            client.headers.update(bearer(create_token(admin_client, account["id"])["secret"]))
        elif caller == "client token":
            client.headers.update(bearer(make_api_token(context)))
    url = policies_url(account["id"])
    expected = {401} if caller == "anonymous" else {403}
    assert client.get(url).status_code in expected
    assert client.post(url, json=policy_body(name="mine")).status_code in expected
    assert client.put(f"{url}/{policy['id']}", json=policy_body()).status_code in expected
    assert client.delete(f"{url}/{policy['id']}").status_code in expected
    assert len(admin_client.get(url).json()["trustPolicies"]) == 1


BAD_BODIES: list[dict[str, Any]] = [
    {},
    {key: value for key, value in policy_body().items() if key != "issuer"},
    {key: value for key, value in policy_body().items() if key != "audience"},
    {key: value for key, value in policy_body().items() if key != "conditions"},
    {key: value for key, value in policy_body().items() if key != "name"},
    policy_body(name=""),
    policy_body(name=5),
    policy_body(name="n" * 256),
    policy_body(issuer=5),
    policy_body(issuer=""),
    policy_body(issuer="token.actions.githubusercontent.com"),
    policy_body(issuer="http://token.actions.githubusercontent.com"),
    policy_body(issuer="ftp://issuer.example.com"),
    policy_body(issuer="https://user:pw@issuer.example.com"),
    policy_body(issuer="https://issuer.example.com/?x=1"),
    policy_body(issuer="https://issuer.example.com/#frag"),
    policy_body(issuer="https://issuer.example.com:99999"),
    policy_body(issuer="https://" + "a" * 2050),
    policy_body(issuer="https://issuer.example.com/\x00"),
    policy_body(audience=""),
    policy_body(audience=["a"]),
    policy_body(audience="a" * 1025),
    policy_body(conditions={}),
    policy_body(conditions=[]),
    policy_body(conditions="sub"),
    policy_body(conditions={"sub": "*"}),
    policy_body(conditions={"sub": "*", "repository": "**"}),
    policy_body(conditions={"aud": "x"}),
    policy_body(conditions={"iss": "x", "sub": "y"}),
    policy_body(conditions={"sub": ""}),
    policy_body(conditions={"sub": 5}),
    policy_body(conditions={"sub": ["a"]}),
    policy_body(conditions={"has space": "a"}),
    policy_body(conditions={"sub": "a" * 1025}),
    policy_body(conditions={f"c{n}": "v" for n in range(33)}),
    policy_body(maxTokenLifetimeSeconds=59),
    policy_body(maxTokenLifetimeSeconds="600"),
    policy_body(maxTokenLifetimeSeconds=600.5),
    policy_body(maxTokenLifetimeSeconds=10**12),
    policy_body(scopes={}),
    policy_body(scopes={"permissions": ["NO_SUCH_PERMISSION"]}),
    policy_body(scopes={"projects": ["no-such-project"]}),
    policy_body(scopes={"environments": ["no-such-environment"]}),
    policy_body(scopes="read"),
]


@pytest.mark.parametrize("body", BAD_BODIES)
def test_bad_body__400_and_nothing_written(admin_client: TestClient, body: Any) -> None:
    account = create_account(admin_client)
    policy = create_policy(admin_client, account["id"], name="existing")
    url = policies_url(account["id"])
    events_before = admin_client.get("/api/admin/search/events?limit=1").json()["total"]
    created = admin_client.post(url, json=body)
    assert created.status_code == 400, created.text
    assert set(created.json()) >= {"id", "name", "message", "details"}
    replaced = admin_client.put(f"{url}/{policy['id']}", json=body)
    assert replaced.status_code == 400, replaced.text
    assert admin_client.get(url).json()["trustPolicies"] == [policy]
    assert admin_client.get("/api/admin/search/events?limit=1").json()["total"] == events_before


def test_bad_ids__400_or_404(admin_client: TestClient) -> None:
    account = create_account(admin_client)
    url = policies_url(account["id"])
    assert admin_client.get(f"{url}/0").status_code == 400
    assert admin_client.get(f"{url}/abc").status_code == 400
    assert admin_client.get(f"{url}/99999999999").status_code == 400
    assert admin_client.get(f"{url}/12345").status_code == 404
    assert admin_client.get("/api/admin/service-account/abc/trust-policies").status_code == 400


def test_not_json__415(admin_client: TestClient) -> None:
    account = create_account(admin_client)
    response = admin_client.post(
        policies_url(account["id"]), content="x", headers={"content-type": "text/plain"}
    )
    assert response.status_code == 415
