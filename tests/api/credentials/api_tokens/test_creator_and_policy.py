"""Every API token records who created it (lists and events show it), and admin API tokens follow
the token lifetime policy: a new or re-dated one beyond it is refused with the policy's 400, while
the tokens that exist keep working."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from flagstaff.config import Settings
from flagstaff.credentials.api_tokens.initial import ensure_initial_api_tokens
from flagstaff.http.context import AppContext
from flagstaff.rbac.principal import ADMIN_TOKEN_USER_ID
from tests.api.credentials.api_tokens.helpers import (
    BASE,
    auth,
    counts,
    create_via_api,
    events_of,
    in_days,
    make_api_token,
)
from tests.api.service_accounts.helpers import create_account, create_token
from tests.factories import UserHandle

POLICY = "/api/admin/tokens/policy"
ADMIN_TOKEN = {"tokenName": "ci", "type": "admin"}


def set_policy(admin: TestClient, **body: Any) -> None:
    response = admin.put(POLICY, json=body)
    assert response.status_code == 200, response.text


def listed(client: TestClient, name: str) -> dict[str, Any]:
    [token] = [t for t in client.get(BASE).json()["tokens"] if t["tokenName"] == name]
    return token


def assert_policy_400(response: Any, fragment: str) -> None:
    assert response.status_code == 400, response.text
    body = response.json()
    assert body["name"] == "BadDataError"
    assert fragment in body["message"]


def test_create__by_a_user__creator_in_the_answer_the_list_and_the_event(
    admin_client: TestClient, admin: UserHandle, context: AppContext
) -> None:
    created = create_via_api(admin_client, tokenName="by-admin")

    assert (created["createdBy"], created["createdByUserId"]) == ("admin", admin.id)
    assert listed(admin_client, "by-admin")["createdBy"] == "admin"
    [event] = events_of(context, "api-token-created")
    assert (event.data["createdBy"], event.data["createdByUserId"]) == ("admin", admin.id)


def test_create__by_a_service_account__that_account_recorded(
    admin_client: TestClient, client: TestClient
) -> None:
    account = create_account(admin_client, "sa-minter", role="Admin")
    secret = create_token(admin_client, account["id"])["secret"]

    response = client.post(BASE, json=ADMIN_TOKEN, headers=auth(secret))

    assert response.status_code == 201, response.text
    assert (response.json()["createdBy"], response.json()["createdByUserId"]) == (
        "sa-minter",
        account["id"],
    )


def test_create__by_an_admin_api_token__that_token_recorded(
    admin_client: TestClient, client: TestClient, context: AppContext
) -> None:
    secret = make_api_token(context, "admin", environment="*", name="root-token")

    response = client.post(BASE, json={**ADMIN_TOKEN, "tokenName": "child"}, headers=auth(secret))

    assert response.status_code == 201, response.text
    child = listed(admin_client, "child")
    assert (child["createdBy"], child["createdByUserId"]) == ("root-token", ADMIN_TOKEN_USER_ID)


def test_admin_token__beyond_the_longest_lifetime__400_naming_it_nothing_created(
    admin_client: TestClient, context: AppContext
) -> None:
    set_policy(admin_client, maxLifetimeDays=30)
    before = counts(context)

    never = admin_client.post(BASE, json=ADMIN_TOKEN)
    too_long = admin_client.post(BASE, json={**ADMIN_TOKEN, "expiresAt": in_days(31)})
    within = admin_client.post(BASE, json={**ADMIN_TOKEN, "expiresAt": in_days(29)})

    assert_policy_400(never, "at most 30 days")
    assert_policy_400(too_long, "at most 30 days")
    assert within.status_code == 201, within.text
    assert counts(context)[0] == before[0] + 1


def test_admin_token__never_expires_forbidden__400(admin_client: TestClient) -> None:
    set_policy(admin_client, allowNeverExpires=False)

    never = admin_client.post(BASE, json=ADMIN_TOKEN)
    far = admin_client.post(BASE, json={**ADMIN_TOKEN, "expiresAt": "3025-01-01T00:00:00Z"})
    dated = admin_client.post(BASE, json={**ADMIN_TOKEN, "expiresAt": in_days(400)})

    assert_policy_400(never, "never expire")
    assert_policy_400(far, "never expire")
    assert dated.status_code == 201, dated.text


def test_admin_token__policy_from_the_environment__applies(
    admin_client: TestClient, context: AppContext, settings: Settings
) -> None:
    context.settings = settings.model_copy(update={"token_allow_never_expires": False})

    assert_policy_400(admin_client.post(BASE, json=ADMIN_TOKEN), "never expire")


def test_admin_token__re_dated_beyond_the_policy__400_and_unchanged(
    admin_client: TestClient,
) -> None:
    created = create_via_api(admin_client, **ADMIN_TOKEN, environment="*", expiresAt=in_days(10))
    set_policy(admin_client, maxLifetimeDays=30)

    response = admin_client.put(f"{BASE}/{created['secret']}", json={"expiresAt": in_days(90)})

    assert_policy_400(response, "at most 30 days")
    assert listed(admin_client, "ci")["expiresAt"] == created["expiresAt"]


@pytest.mark.parametrize("kind", ["client", "frontend"])
def test_sdk_token__policy__not_concerned(admin_client: TestClient, kind: str) -> None:
    set_policy(admin_client, maxLifetimeDays=30, allowNeverExpires=False)

    response = admin_client.post(BASE, json={"tokenName": "sdk", "type": kind})

    assert response.status_code == 201, response.text


def test_existing_admin_token__policy_forbids_never__keeps_working(
    admin_client: TestClient, client: TestClient
) -> None:
    secret = create_via_api(admin_client, **ADMIN_TOKEN, environment="*")["secret"]
    set_policy(admin_client, maxLifetimeDays=30, allowNeverExpires=False)

    assert client.get("/api/admin/projects", headers=auth(secret)).status_code == 200


def test_initial_admin_token__policy_forbids_never__created_all_the_same(
    context: AppContext, settings: Settings
) -> None:
    strict = settings.model_copy(update={"token_allow_never_expires": False})
    environ = {"INIT_ADMIN_API_TOKENS": "*:*.0123456789abcdef0123456789abcdef"}

    with context.database.transaction() as session:
        created = ensure_initial_api_tokens(session, strict, environ)

    assert created == 1
