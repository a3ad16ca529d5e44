"""Reporting leaked tokens: public, the same 202 whatever was sent, every real token revoked at
once with an event naming its owner and the reporter's address, bounded and rate-limited."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from flagstaff.credentials.account_tokens import format as account_format
from flagstaff.credentials.leak_routes import REPORTS_PER_MINUTE
from flagstaff.http.context import AppContext
from tests.api.credentials.account_tokens.helpers import (
    BASE,
    assert_error,
    bearer,
    events_of,
    sa_with_token,
    tokens,
    whoami,
)

REPORT = "/api/public/token-revocation"


def test_report__account_token__revoked_at_once_with_its_record(
    admin_client: TestClient, new_client: Callable[[], TestClient], context: AppContext
) -> None:
    account_id, token = sa_with_token(admin_client)
    reporter = new_client()
    response = reporter.post(REPORT, json={"tokens": [f"  {token['secret']}  "]})
    assert response.status_code == 202
    assert response.content == b""
    assert_error(whoami(new_client(), token["secret"]), 401, "revoked")
    [record] = tokens(admin_client, account_id, state="revoked")
    assert record["revokeReason"] == "leak-reported"
    [event] = events_of(context, "token-leak-reported")
    assert (event.data["id"], event.data["ownerId"], event.data["source"]) == (
        token["id"],
        account_id,
        "testclient",
    )
    assert token["secret"] not in str(event.data)


def test_report__api_token__deleted(
    admin_client: TestClient, new_client: Callable[[], TestClient], context: AppContext
) -> None:
    secret = admin_client.post(
        "/api/admin/api-tokens",
        json={"tokenName": "leaky", "type": "client", "environment": "development"},
    ).json()["secret"]
    assert new_client().get("/api/client/features", headers=bearer(secret)).status_code == 200
    assert new_client().post(REPORT, json={"tokens": [secret]}).status_code == 202
    assert new_client().get("/api/client/features", headers=bearer(secret)).status_code == 401
    assert [e.data["tokenName"] for e in events_of(context, "token-leak-reported")] == ["leaky"]


def test_report__nothing_real__same_202_nothing_recorded(
    admin_client: TestClient, new_client: Callable[[], TestClient], context: AppContext
) -> None:
    _, token = sa_with_token(admin_client)
    mistyped = token["secret"][:-1] + ("A" if token["secret"][-1] != "A" else "B")
    strings = ["hello", account_format.generate(), mistyped, "default:development." + "0" * 56]
    response = new_client().post(REPORT, json={"tokens": strings})
    assert response.status_code == 202
    assert response.content == b""
    assert events_of(context, "token-leak-reported") == []
    assert whoami(new_client(), token["secret"]).status_code == 200


def test_report__same_token_twice__one_event(
    admin_client: TestClient, new_client: Callable[[], TestClient], context: AppContext
) -> None:
    _, token = sa_with_token(admin_client)
    new_client().post(REPORT, json={"tokens": [token["secret"], token["secret"]]})
    new_client().post(REPORT, json={"tokens": [token["secret"]]})
    assert len(events_of(context, "token-leak-reported")) == 1


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"tokens": []},
        {"tokens": "x"},
        {"tokens": [1]},
        {"tokens": ["x"] * 101},
        {"tokens": ["x" * 1025]},
    ],
)
def test_report__bad_body__400(new_client: Callable[[], TestClient], body: object) -> None:
    assert_error(new_client().post(REPORT, json=body), 400)


def test_report__oversized_body__413(new_client: Callable[[], TestClient]) -> None:
    body = b'{"tokens": ["' + b"x" * 2_000_000 + b'"]}'
    response = new_client().post(REPORT, content=body, headers={"content-type": "application/json"})
    assert_error(response, 413)


def test_report__rate_limited_per_address(
    new_client: Callable[[], TestClient], admin_client: TestClient
) -> None:
    reporter = new_client()
    for _ in range(REPORTS_PER_MINUTE):
        assert reporter.post(REPORT, json={"tokens": ["x"]}).status_code == 202
    limited = reporter.post(REPORT, json={"tokens": ["x"]})
    assert_error(limited, 429, "too many reports")
    assert limited.headers["retry-after"] == "60"


def test_report__needs_no_credential_and_ignores_one(
    admin_client: TestClient, context: AppContext
) -> None:
    account_id, token = sa_with_token(admin_client)
    # Even reported with the session of an admin, the answer says nothing more.
    response = admin_client.post(REPORT, json={"tokens": [token["secret"]]})
    assert response.status_code == 202
    assert tokens(admin_client, account_id) == []
    assert admin_client.get(f"{BASE}/{account_id}/token").json()["pats"] == []
