"""Login throttling over HTTP, with several client addresses behind a trusted proxy: an address
that keeps failing waits, the owner from another address still gets in, and no name can be told
from another by its answers."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from flagstaff.accounts.login import LoginPolicy
from flagstaff.accounts.throttle import ThrottleRule
from flagstaff.core.db import utcnow
from flagstaff.http.context import AppContext
from flagstaff.http.deps import SESSION_COOKIE
from tests.api.accounts.support import (
    age_login_failures,
    assert_error,
    events_of,
    login_failures,
    make_service_account,
    set_account,
)
from tests.factories import PASSWORD, make_user

LOGIN = "/auth/simple/login"
ATTACKER = "203.0.113.66"
OWNER = "198.51.100.10"
# Ten minutes: a throttled address is still waiting when the test looks, however slow the
# machine.
RULE = ThrottleRule(
    free_attempts=3, ceiling=8, first_delay=timedelta(minutes=10), max_delay=timedelta(hours=1)
)


@pytest.fixture(autouse=True)
def behind_proxy(context: AppContext) -> ThrottleRule:
    context.settings.trust_proxy_headers = True
    context.login_policy = LoginPolicy(session_ttl=context.login_policy.session_ttl, throttle=RULE)
    return RULE


def attempt(client: TestClient, name: str, password: str, address: str = ATTACKER) -> Any:
    return client.post(
        LOGIN, json={"username": name, "password": password}, headers={"X-Forwarded-For": address}
    )


def spend_free_attempts(client: TestClient, name: str, address: str = ATTACKER) -> list[int]:
    """Fail until the address must wait: the free attempts and the one that starts the wait."""
    return [
        attempt(client, name, "Wrong-pass1!", address).status_code
        for _ in range(RULE.free_attempts + 1)
    ]


def test_login__free_attempts_spent__429_with_retry_after_even_for_right_password(
    client: TestClient, context: AppContext
) -> None:
    make_user(context, username="alice")

    statuses = spend_free_attempts(client, "alice")
    wrong = attempt(client, "alice", "Wrong-pass1!")
    right = attempt(client, "alice", PASSWORD)

    assert statuses == [401] * (RULE.free_attempts + 1)
    for response in (wrong, right):
        assert response.status_code == 429
        assert_error(response.json(), "TooManyRequestsError")
        assert "10 minutes" in response.json()["message"]
        assert 590 <= int(response.headers["retry-after"]) <= 600
        assert SESSION_COOKIE not in response.cookies
    assert login_failures(context) == {"": 4, ATTACKER: 4}


def test_login__attacker_waits__owner_from_another_address_logs_in(
    client: TestClient, new_client: Callable[[], TestClient], context: AppContext
) -> None:
    make_user(context, username="only-admin", role="Admin")
    spend_free_attempts(client, "only-admin")
    assert attempt(client, "only-admin", PASSWORD).status_code == 429

    owner = attempt(new_client(), "only-admin", PASSWORD, OWNER)

    assert owner.status_code == 200
    assert attempt(client, "only-admin", PASSWORD).status_code == 429


def test_login__ten_addresses_fail_once_each__owner_still_logs_in(
    client: TestClient, context: AppContext
) -> None:
    """The old lockout's denial of service: ten wrong passwords from ten addresses."""
    make_user(context, username="bob")
    for n in range(10):
        assert attempt(client, "bob", "Wrong-pass1!", f"10.0.0.{n}").status_code == 401

    assert attempt(client, "bob", PASSWORD, OWNER).status_code == 200


def test_login__name_over_ceiling__addresses_that_failed_wait_a_new_one_gets_in(
    client: TestClient, context: AppContext
) -> None:
    make_user(context, username="carol")
    attackers = [f"10.1.0.{n}" for n in range(RULE.ceiling)]
    for address in attackers:
        assert attempt(client, "carol", "Wrong-pass1!", address).status_code == 401

    refused = [attempt(client, "carol", PASSWORD, a).status_code for a in attackers]
    owner = attempt(client, "carol", PASSWORD, OWNER)

    assert refused == [429] * RULE.ceiling
    assert owner.status_code == 200


def test_login__wait_over__address_tries_again(client: TestClient, context: AppContext) -> None:
    make_user(context, username="dave")
    spend_free_attempts(client, "dave")
    assert attempt(client, "dave", PASSWORD).status_code == 429

    age_login_failures(context, RULE.first_delay + timedelta(seconds=1))

    assert attempt(client, "dave", PASSWORD).status_code == 200
    assert login_failures(context) == {"": 4}


def test_login__wait_over_and_wrong_again__waits_twice_as_long(
    client: TestClient, context: AppContext
) -> None:
    spend_free_attempts(client, "erin")
    age_login_failures(context, RULE.first_delay + timedelta(seconds=1))

    assert attempt(client, "erin", "Wrong-pass1!").status_code == 401
    again = attempt(client, "erin", "Wrong-pass1!")

    assert again.status_code == 429
    assert 1190 <= int(again.headers["retry-after"]) <= 1200


def test_login__other_name_from_a_waiting_address__not_throttled(
    client: TestClient, context: AppContext
) -> None:
    make_user(context, username="frank")
    spend_free_attempts(client, "someone-else")

    assert attempt(client, "frank", PASSWORD).status_code == 200


def test_login__forwarded_for_without_trusted_proxy__one_address_for_all(
    client: TestClient, context: AppContext
) -> None:
    context.settings.trust_proxy_headers = False
    make_user(context, username="gina")
    for n in range(RULE.free_attempts + 1):
        attempt(client, "gina", "Wrong-pass1!", f"10.2.0.{n}")

    assert attempt(client, "gina", PASSWORD, OWNER).status_code == 429
    assert login_failures(context) == {"": 4, "testclient": 4}


def test_login__burst_from_one_address__each_guess_counted_in_turn(
    new_client: Callable[[], TestClient], context: AppContext
) -> None:
    make_user(context, username="hank")
    burst = 12
    clients = [new_client() for _ in range(burst)]
    barrier = threading.Barrier(burst)

    def guess(parallel: TestClient) -> int:
        barrier.wait()
        return int(attempt(parallel, "hank", "Wrong-pass1!").status_code)

    with ThreadPoolExecutor(burst) as pool:
        statuses = sorted(pool.map(guess, clients))

    checked = RULE.free_attempts + 1
    assert statuses == [401] * checked + [429] * (burst - checked)
    assert login_failures(context) == {"": checked, ATTACKER: checked}


def _answer(response: Any) -> tuple[int, dict[str, Any], dict[str, str]]:
    """What a caller sees, less what differs between any two answers: the error's id, and the
    exact second of Retry-After."""
    body = {k: v for k, v in response.json().items() if k != "id"}
    headers = dict(response.headers)
    if "retry-after" in headers:
        headers["retry-after"] = str(round(int(headers["retry-after"]) / 60))
    return response.status_code, body, headers


def test_login__unknown_service_disabled_passwordless_and_real__same_answer_every_step(
    client: TestClient, context: AppContext
) -> None:
    real = make_user(context, username="ivan")
    disabled = make_user(context, username="judy")
    set_account(context, disabled.id, disabled_at=utcnow())
    make_user(context, username="kim", password=None)
    make_service_account(context, "sa-ivan")
    names = {
        "real": "ivan",
        "unknown": "nobody",
        "disabled": "judy",
        "no password": "kim",
        "service account": "sa-ivan",
    }

    steps = {
        kind: [
            _answer(attempt(client, name, "Wrong-pass1!")) for _ in range(RULE.free_attempts + 3)
        ]
        for kind, name in names.items()
    }
    steps["real, right password while waiting"] = [
        _answer(attempt(client, "ivan", real.password))
    ] * (RULE.free_attempts + 3)

    expected = steps["unknown"]
    assert [s for s, _, _ in expected] == [401] * (RULE.free_attempts + 1) + [429, 429]
    assert expected[-1][2]["retry-after"] == "10"
    for kind, answers in steps.items():
        if kind.startswith("real, right"):
            assert answers[-1] == expected[-1], kind
        else:
            assert answers == expected, kind


def test_user_admin__failures__reported_as_login_attempts(
    admin_client: TestClient, client: TestClient, context: AppContext
) -> None:
    user = make_user(context, username="liam", email="liam@example.com")
    attempt(client, "liam", "Wrong-pass1!", "10.3.0.1")
    attempt(client, "LIAM@example.com", "Wrong-pass1!", "10.3.0.2")

    one = admin_client.get(f"/api/admin/user-admin/{user.id}").json()
    listed = admin_client.get("/api/admin/user-admin").json()["users"]

    assert one["loginAttempts"] == 2
    assert [u["loginAttempts"] for u in listed if u["id"] == user.id] == [2]


def test_clear_login_throttle__admin__every_address_may_try_again_and_event_recorded(
    admin_client: TestClient, client: TestClient, context: AppContext
) -> None:
    user = make_user(context, username="mia", email="mia@example.com")
    spend_free_attempts(client, "mia")
    spend_free_attempts(client, "mia@example.com", "10.4.0.1")
    make_user(context, username="other")
    spend_free_attempts(client, "other")

    cleared = admin_client.delete(f"/api/admin/user-admin/{user.id}/login-throttle")

    assert cleared.status_code == 200
    assert attempt(client, "mia", PASSWORD).status_code == 200
    assert attempt(client, "mia@example.com", PASSWORD, "10.4.0.1").status_code == 200
    assert attempt(client, "other", PASSWORD).status_code == 429
    [event] = events_of(context, "user-login-throttle-cleared")
    assert event["data"]["username"] == "mia"
    assert event["createdBy"] == "admin"


def test_clear_login_throttle__not_admin__403_and_unknown_user__404(
    admin_client: TestClient, user_client: Callable[..., TestClient], context: AppContext
) -> None:
    user = make_user(context, username="noah")
    editor = user_client(role="Editor")

    denied = editor.delete(f"/api/admin/user-admin/{user.id}/login-throttle")
    missing = admin_client.delete("/api/admin/user-admin/99999/login-throttle")

    assert denied.status_code == 403
    assert missing.status_code == 404
    assert_error(missing.json(), "NotFoundError")


def test_change_user_password__by_admin__clears_the_throttle(
    admin_client: TestClient, client: TestClient, context: AppContext
) -> None:
    user = make_user(context, username="olga")
    spend_free_attempts(client, "olga")
    new_password = "N3w-Password!x"

    changed = admin_client.post(
        f"/api/admin/user-admin/{user.id}/change-password", json={"password": new_password}
    )

    assert changed.status_code == 200
    assert attempt(client, "olga", new_password).status_code == 200
