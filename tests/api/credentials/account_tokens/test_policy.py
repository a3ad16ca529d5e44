"""The token lifetime policy: environment defaults, an admin's stored policy, refusals that
name the limit, and existing tokens blocked (never deleted) when the policy is lowered."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

from flagstaff.config import Settings
from flagstaff.http.context import AppContext
from tests.api.credentials.account_tokens.helpers import (
    BASE,
    assert_error,
    events_of,
    in_days,
    rotate,
    sa_with_token,
    tokens,
    whoami,
)

POLICY = "/api/admin/tokens/policy"


def _set(admin: TestClient, **body: Any) -> Any:
    response = admin.put(POLICY, json=body)
    assert response.status_code == 200, response.text
    return response.json()


def test_policy__nothing_stored__environment_defaults(admin_client: TestClient) -> None:
    assert admin_client.get(POLICY).json() == {
        "maxLifetimeDays": None,
        "allowNeverExpires": True,
        "revokeUnusedAfterDays": None,
        "retentionDays": 90,
        "source": "environment",
    }


def test_policy__from_the_environment(
    admin_client: TestClient, context: AppContext, settings: Settings
) -> None:
    context.settings = settings.model_copy(
        update={"token_max_lifetime_days": 30, "token_allow_never_expires": False}
    )
    body = admin_client.get(POLICY).json()
    assert (body["maxLifetimeDays"], body["allowNeverExpires"]) == (30, False)
    account_id, _ = sa_with_token(admin_client, days=20)
    too_long = admin_client.post(
        f"{BASE}/{account_id}/token", json={"description": "x", "expiresAt": in_days(40)}
    )
    assert_error(too_long, 400, "at most 30 days")


def test_policy__stored__wins_and_is_recorded(
    admin_client: TestClient, context: AppContext
) -> None:
    body = _set(admin_client, maxLifetimeDays=90, allowNeverExpires=False)
    assert body["source"] == "stored"
    assert body["maxLifetimeDays"] == 90
    [event] = events_of(context, "setting-created")
    assert event.data["maxLifetimeDays"] == 90


def test_policy__new_token_beyond_the_limit__400_naming_it(admin_client: TestClient) -> None:
    _set(admin_client, maxLifetimeDays=30)
    account_id, _ = sa_with_token(admin_client, days=29)
    response = admin_client.post(
        f"{BASE}/{account_id}/token", json={"description": "long", "expiresAt": in_days(31)}
    )
    assert_error(response, 400, "at most 30 days")
    assert len(tokens(admin_client, account_id)) == 1


def test_policy__never_expires_not_allowed__400(admin_client: TestClient) -> None:
    _set(admin_client, allowNeverExpires=False)
    account_id, _ = sa_with_token(admin_client)
    response = admin_client.post(
        f"{BASE}/{account_id}/token",
        json={"description": "forever", "expiresAt": "3025-01-01T00:00:00Z"},
    )
    assert_error(response, 400, "never expire")


def test_policy__lowered__longer_tokens_blocked_then_raised__work_again(
    admin_client: TestClient, client: TestClient
) -> None:
    account_id, long = sa_with_token(admin_client, "service-long", days=60)
    _, short = sa_with_token(admin_client, "service-short", days=10)

    _set(admin_client, maxLifetimeDays=30)

    assert_error(whoami(client, long["secret"]), 401, "30 days the token lifetime policy allows")
    assert whoami(client, short["secret"]).status_code == 200
    assert tokens(admin_client, account_id)[0]["state"] == "blocked"

    _set(admin_client, maxLifetimeDays=90)
    assert whoami(client, long["secret"]).status_code == 200
    assert tokens(admin_client, account_id)[0]["state"] == "active"


def test_policy__never_forbidden__never_expiring_token_blocked(
    admin_client: TestClient, client: TestClient
) -> None:
    account = admin_client.post(
        "/api/admin/service-account", json={"username": "s-never", "name": "N", "rootRole": 3}
    ).json()
    forever = admin_client.post(
        f"{BASE}/{account['id']}/token",
        json={"description": "forever", "expiresAt": "3025-01-01T00:00:00Z"},
    ).json()
    _set(admin_client, allowNeverExpires=False)
    assert_error(whoami(client, forever["secret"]), 401, "never expires")


def test_policy__rotation_of_a_blocked_token__successor_within_policy(
    admin_client: TestClient, client: TestClient
) -> None:
    account_id, long = sa_with_token(admin_client, days=60)
    _set(admin_client, maxLifetimeDays=30)
    new = rotate(admin_client, account_id, long["id"]).json()
    assert whoami(client, new["secret"]).status_code == 200
    beyond = rotate(admin_client, account_id, new["id"], expiresAt="2099-01-01T00:00:00Z")
    assert_error(beyond, 400, "at most 30 days")


@pytest.mark.parametrize(
    "body",
    [
        {"maxLifetimeDays": 0},
        {"maxLifetimeDays": -5},
        {"maxLifetimeDays": 36_501},
        {"maxLifetimeDays": "30"},
        {"maxLifetimeDays": 1.5},
        {"allowNeverExpires": "no"},
        {"revokeUnusedAfterDays": 0},
        {"revokeUnusedAfterDays": [1]},
    ],
)
def test_policy__bad_values__400_nothing_stored(
    admin_client: TestClient, body: dict[str, Any]
) -> None:
    assert_error(admin_client.put(POLICY, json=body), 400)
    assert admin_client.get(POLICY).json()["source"] == "environment"


def test_policy__not_json__415(admin_client: TestClient) -> None:
    response = admin_client.put(
        POLICY, content=b"maxLifetimeDays=3", headers={"content-type": "text/plain"}
    )
    assert response.status_code == 415


def test_policy__non_admin__403(
    user_client: Callable[..., TestClient], new_client: Callable[[], TestClient]
) -> None:
    editor = user_client("Editor")
    assert editor.get(POLICY).status_code == 403
    assert editor.put(POLICY, json={"maxLifetimeDays": 1}).status_code == 403
    assert new_client().get(POLICY).status_code == 401
