from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient

from flagstaff.http.context import AppContext
from tests.api.service_accounts.helpers import (
    BASE,
    bearer,
    create_account,
    create_token,
    in_days,
)


def test_token__create_response__only_place_the_secret_appears(admin_client: TestClient) -> None:
    account = create_account(admin_client)
    token = create_token(admin_client, account["id"], "deploy")
    assert set(token) >= {"id", "description", "expiresAt", "createdAt", "seenAt", "userId"}
    assert token["userId"] == account["id"]
    assert token["seenAt"] is None

    listing = admin_client.get(BASE).text + admin_client.get(f"{BASE}/{account['id']}/token").text
    assert token["secret"] not in listing
    assert token["secret"][9:] not in listing
    assert "secret" not in listing


def test_token__duplicate_description_for_same_account__409(admin_client: TestClient) -> None:
    account = create_account(admin_client)
    create_token(admin_client, account["id"], "deploy")
    response = admin_client.post(
        f"{BASE}/{account['id']}/token", json={"description": "deploy", "expiresAt": in_days(3)}
    )
    assert response.status_code == 409
    assert response.json()["name"] == "NameExistsError"


def test_token__same_description_other_account__allowed(admin_client: TestClient) -> None:
    first = create_account(admin_client, "service-a")
    second = create_account(admin_client, "service-b")
    create_token(admin_client, first["id"], "deploy")
    create_token(admin_client, second["id"], "deploy")


def test_token__eleventh__403_and_ten_remain(admin_client: TestClient) -> None:
    account = create_account(admin_client)
    for n in range(10):
        create_token(admin_client, account["id"], f"token {n}")
    response = admin_client.post(
        f"{BASE}/{account['id']}/token", json={"description": "one more", "expiresAt": in_days(3)}
    )
    assert response.status_code == 403
    assert "Too many" in response.json()["message"]
    assert len(admin_client.get(f"{BASE}/{account['id']}/token").json()["pats"]) == 10


def test_token__limit_is_configurable(context: AppContext, admin_client: TestClient) -> None:
    context.settings.max_tokens_per_account = 2
    account = create_account(admin_client)
    create_token(admin_client, account["id"], "a")
    create_token(admin_client, account["id"], "b")
    response = admin_client.post(
        f"{BASE}/{account['id']}/token", json={"description": "c", "expiresAt": in_days(3)}
    )
    assert response.status_code == 403


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        ({"expiresAt": "2099-01-01T00:00:00Z"}, "description"),
        ({"description": "x"}, "expiresAt"),
        ({"description": "", "expiresAt": "2099-01-01T00:00:00Z"}, "cannot be empty"),
        ({"description": "   ", "expiresAt": "2099-01-01T00:00:00Z"}, "cannot be empty"),
        ({"description": "x", "expiresAt": "2001-01-01T00:00:00Z"}, "in future"),
        ({"description": "x", "expiresAt": "tomorrow"}, "expiresAt"),
        ({"description": "x", "expiresAt": 4102444800}, "expiresAt"),
        ({"description": 7, "expiresAt": "2099-01-01T00:00:00Z"}, "description"),
        ({"description": "x" * 256, "expiresAt": "2099-01-01T00:00:00Z"}, "description"),
        ({"description": ["x"], "expiresAt": "2099-01-01T00:00:00Z"}, "description"),
    ],
)
def test_token__bad_input__400_and_nothing_created(
    admin_client: TestClient, body: dict[str, object], fragment: str
) -> None:
    account = create_account(admin_client)
    response = admin_client.post(f"{BASE}/{account['id']}/token", json=body)
    assert response.status_code == 400, response.text
    assert fragment in response.text
    assert set(response.json()) >= {"id", "name", "message", "details"}
    assert admin_client.get(f"{BASE}/{account['id']}/token").json()["pats"] == []


def test_token__never__far_future_date_accepted(admin_client: TestClient) -> None:
    account = create_account(admin_client)
    far = (datetime.now(UTC) + timedelta(days=365 * 1000)).isoformat()
    response = admin_client.post(
        f"{BASE}/{account['id']}/token", json={"description": "forever", "expiresAt": far}
    )
    assert response.status_code == 201
    assert response.json()["expiresAt"].startswith(str(datetime.now(UTC).year + 1000))


def test_token__expired__401(
    admin_client: TestClient, new_client: Callable[[], TestClient]
) -> None:
    account = create_account(admin_client)
    token = create_token(admin_client, account["id"], days=1.5 / 86400)
    caller = new_client()
    assert caller.get("/api/admin/user", headers=bearer(token["secret"])).status_code == 200
    time.sleep(1.6)
    assert caller.get("/api/admin/user", headers=bearer(token["secret"])).status_code == 401
    listed = admin_client.get(f"{BASE}/{account['id']}/token").json()["pats"]
    assert listed[0]["expiryWarning"] == "expired"


def test_token__unknown_token_id_or_other_accounts_token__404(admin_client: TestClient) -> None:
    first = create_account(admin_client, "service-a")
    second = create_account(admin_client, "service-b")
    token = create_token(admin_client, first["id"])
    assert admin_client.delete(f"{BASE}/{second['id']}/token/{token['id']}").status_code == 404
    assert admin_client.delete(f"{BASE}/{first['id']}/token/999999").status_code == 404
    assert len(admin_client.get(f"{BASE}/{first['id']}/token").json()["pats"]) == 1


def test_token__for_unknown_account__404(admin_client: TestClient) -> None:
    response = admin_client.post(
        f"{BASE}/424242/token", json={"description": "x", "expiresAt": in_days(1)}
    )
    assert response.status_code == 404
    assert admin_client.get(f"{BASE}/424242/token").status_code == 404


def test_token__for_a_human_user_id__404(admin_client: TestClient, context: AppContext) -> None:
    me = admin_client.get("/api/admin/user").json()["user"]["id"]
    response = admin_client.post(
        f"{BASE}/{me}/token", json={"description": "x", "expiresAt": in_days(1)}
    )
    assert response.status_code == 404


def test_token__used__seen_at_after_flush(
    admin_client: TestClient, new_client: Callable[[], TestClient], context: AppContext
) -> None:
    account = create_account(admin_client)
    token = create_token(admin_client, account["id"])
    new_client().get("/api/admin/user", headers=bearer(token["secret"]))
    context.seen.flush()
    listed = admin_client.get(f"{BASE}/{account['id']}/token").json()["pats"]
    assert listed[0]["seenAt"] is not None


@pytest.mark.parametrize("header", ["Bearer {}", "bearer {}", "{}", "BEARER   {}"])
def test_token__authorization_header_forms__accepted(
    admin_client: TestClient, new_client: Callable[[], TestClient], header: str
) -> None:
    account = create_account(admin_client)
    token = create_token(admin_client, account["id"])
    response = new_client().get(
        "/api/admin/user", headers={"Authorization": header.format(token["secret"])}
    )
    assert response.status_code == 200


def test_token__mistyped__401_unauthorized(
    admin_client: TestClient, new_client: Callable[[], TestClient]
) -> None:
    account = create_account(admin_client)
    secret = create_token(admin_client, account["id"])["secret"]
    typo = secret[:-2] + ("zz" if not secret.endswith("zz") else "yy")
    response = new_client().get("/api/admin/user", headers=bearer(typo))
    assert response.status_code == 401
    assert response.json()["name"] == "UnauthorizedError"
