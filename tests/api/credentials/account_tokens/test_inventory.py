"""The credential inventory: every PAT and service-account token with owner, kind and state,
filtered and paged; bulk revocation all or nothing; any token disabled by an admin."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from flagstaff.core.db import utcnow
from flagstaff.http.context import AppContext
from tests.api.credentials.account_tokens.helpers import (
    BASE,
    assert_error,
    bearer,
    create_token,
    events_of,
    sa_with_token,
    set_token,
    whoami,
)

INVENTORY = "/api/admin/tokens"


def _ids(admin: TestClient, **params: Any) -> list[int]:
    response = admin.get(INVENTORY, params=params)
    assert response.status_code == 200, response.text
    return [token["id"] for token in response.json()["tokens"]]


@pytest.fixture
def estate(admin_client: TestClient, context: AppContext) -> dict[str, Any]:
    """A service account with an active, a disabled, a revoked and a soon-expiring token, and a
    person's PAT that nobody has used for a while."""
    ci_id, active = sa_with_token(admin_client, "service-ci", days=200)
    disabled = create_token(admin_client, ci_id, "paused", 200)
    revoked = create_token(admin_client, ci_id, "gone", 200)
    soon = create_token(admin_client, ci_id, "short", 3)
    admin_client.post(f"{BASE}/{ci_id}/token/{disabled['id']}/disable")
    admin_client.delete(f"{BASE}/{ci_id}/token/{revoked['id']}")
    pat = admin_client.post(
        "/api/admin/user/tokens",
        json={"description": "laptop", "expiresAt": (utcnow() + timedelta(days=100)).isoformat()},
    ).json()
    set_token(context, pat["id"], created_at=utcnow() - timedelta(days=40))
    set_token(context, soon["id"], created_at=utcnow() - timedelta(days=10))  # in its window
    return {
        "ci": ci_id,
        "active": active["id"],
        "disabled": disabled["id"],
        "revoked": revoked["id"],
        "soon": soon["id"],
        "pat": pat["id"],
    }


def test_inventory__everything__with_owner_kind_and_state(
    admin_client: TestClient, estate: dict[str, Any]
) -> None:
    body = admin_client.get(INVENTORY).json()
    assert body["total"] == 5
    by_id = {t["id"]: t for t in body["tokens"]}
    assert by_id[estate["pat"]]["kind"] == "personal"
    assert by_id[estate["pat"]]["owner"]["username"] == "admin"
    assert by_id[estate["active"]]["kind"] == "service-account"
    assert by_id[estate["active"]]["owner"] == {
        "id": estate["ci"],
        "name": "CI",
        "username": "service-ci",
        "email": None,
        "isService": True,
        "disabled": False,
    }
    assert {t["id"]: t["state"] for t in body["tokens"]} == {
        estate["active"]: "active",
        estate["disabled"]: "disabled",
        estate["revoked"]: "revoked",
        estate["soon"]: "active",
        estate["pat"]: "active",
    }
    assert "secret" not in str(body)


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"state": "disabled"}, ["disabled"]),
        ({"state": "revoked,disabled"}, ["disabled", "revoked"]),
        ({"kind": "personal"}, ["pat"]),
        ({"kind": "service-account", "state": "active"}, ["active", "soon"]),
        ({"owner": "service-ci", "q": "pau"}, ["disabled"]),
        ({"q": "LAPTOP"}, ["pat"]),
        ({"q": "%"}, []),
        ({"unusedForDays": 30}, ["pat"]),
        ({"expiresWithinDays": 7}, ["soon"]),
    ],
)
def test_inventory__filters(
    admin_client: TestClient,
    estate: dict[str, Any],
    params: dict[str, Any],
    expected: list[str],
) -> None:
    assert _ids(admin_client, **params) == sorted(estate[name] for name in expected)


def test_inventory__owner_by_id(admin_client: TestClient, estate: dict[str, Any]) -> None:
    assert len(_ids(admin_client, owner=str(estate["ci"]))) == 4


def test_inventory__paging__total_counts_every_match(
    admin_client: TestClient, estate: dict[str, Any]
) -> None:
    first = admin_client.get(INVENTORY, params={"limit": 2}).json()
    second = admin_client.get(INVENTORY, params={"limit": 2, "offset": 2}).json()
    assert first["total"] == second["total"] == 5
    ids = [t["id"] for t in first["tokens"] + second["tokens"]]
    assert len(set(ids)) == 4


def test_inventory__expires_soon_shown_on_the_service_account_list(
    admin_client: TestClient, estate: dict[str, Any]
) -> None:
    [account] = admin_client.get(BASE).json()["serviceAccounts"]
    assert account["tokensExpiringSoon"] == 1


@pytest.mark.parametrize(
    "params",
    [
        {"state": "sleeping"},
        {"kind": "robot"},
        {"unusedForDays": -1},
        {"expiresWithinDays": "soon"},
        {"limit": 0},
        {"limit": 1001},
        {"offset": -1},
        {"q": "x" * 256},
    ],
)
def test_inventory__bad_parameters__400(
    admin_client: TestClient, estate: dict[str, Any], params: dict[str, Any]
) -> None:
    assert_error(admin_client.get(INVENTORY, params=params), 400)


def test_bulk_revoke__all_revoked_with_events(
    admin_client: TestClient, client: TestClient, context: AppContext, estate: dict[str, Any]
) -> None:
    active = admin_client.get(f"{BASE}/{estate['ci']}/token").json()["pats"]
    secretless = [estate["active"], estate["pat"]]
    response = admin_client.post(f"{INVENTORY}/revoke", json={"ids": secretless})
    assert response.status_code == 200
    assert response.json() == {"revoked": secretless}
    assert sorted(_ids(admin_client, state="revoked")) == sorted([*secretless, estate["revoked"]])
    assert len(events_of(context, "service-account-token-revoked")) == 1
    assert len(events_of(context, "pat-revoked")) == 1
    assert active  # the listing before the revocation held them


def test_bulk_revoke__unknown_id__404_nothing_revoked(
    admin_client: TestClient, estate: dict[str, Any]
) -> None:
    response = admin_client.post(f"{INVENTORY}/revoke", json={"ids": [estate["active"], 999_999]})
    assert_error(response, 404, "nothing was revoked")
    assert _ids(admin_client, state="revoked") == [estate["revoked"]]


def test_bulk_revoke__already_revoked__400_nothing_revoked(
    admin_client: TestClient, estate: dict[str, Any]
) -> None:
    response = admin_client.post(
        f"{INVENTORY}/revoke", json={"ids": [estate["active"], estate["revoked"]]}
    )
    assert_error(response, 400, "already revoked")
    assert _ids(admin_client, state="revoked") == [estate["revoked"]]


@pytest.mark.parametrize(
    "body", [{}, {"ids": []}, {"ids": ["1"]}, {"ids": [0]}, {"ids": 3}, {"ids": [1] * 1001}]
)
def test_bulk_revoke__bad_body__400(admin_client: TestClient, body: dict[str, Any]) -> None:
    assert_error(admin_client.post(f"{INVENTORY}/revoke", json=body), 400)


def test_admin_disables_any_token_by_id(
    admin_client: TestClient, client: TestClient, estate: dict[str, Any]
) -> None:
    assert admin_client.post(f"{INVENTORY}/{estate['pat']}/disable").status_code == 200
    assert _ids(admin_client, state="disabled") == sorted([estate["disabled"], estate["pat"]])
    assert admin_client.post(f"{INVENTORY}/{estate['pat']}/enable").status_code == 200
    assert_error(admin_client.post(f"{INVENTORY}/999999/disable"), 404)
    assert_error(admin_client.post(f"{INVENTORY}/{estate['revoked']}/disable"), 409)


def test_inventory__non_admins_and_other_credentials__refused(
    admin_client: TestClient,
    user_client: Callable[..., TestClient],
    new_client: Callable[[], TestClient],
    estate: dict[str, Any],
) -> None:
    editor = user_client("Editor")
    assert editor.get(INVENTORY).status_code == 403
    assert editor.post(f"{INVENTORY}/revoke", json={"ids": [estate["active"]]}).status_code == 403
    assert new_client().get(INVENTORY).status_code == 401
    client_token = admin_client.post(
        "/api/admin/api-tokens",
        json={"tokenName": "sdk", "type": "client", "environment": "development"},
    ).json()["secret"]
    assert new_client().get(INVENTORY, headers=bearer(client_token)).status_code == 403
    _, sa_admin = sa_with_token(admin_client, "service-root", role="Admin")
    assert new_client().get(INVENTORY, headers=bearer(sa_admin["secret"])).status_code == 200
    assert whoami(new_client(), sa_admin["secret"]).status_code == 200
