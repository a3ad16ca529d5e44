"""Invariants hold under concurrent requests: the database decides, not a read-then-insert."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from fastapi.testclient import TestClient

from flagstaff.http.context import AppContext
from tests.api.service_accounts.helpers import BASE, create_account, in_days
from tests.factories import login

PARALLEL = 20


def _clients(new_client: Callable[[], TestClient], admin_name: str, n: int) -> list[TestClient]:
    return [login(new_client(), admin_name) for _ in range(n)]


def test_twenty_parallel_token_creations__exactly_ten_exist(
    admin_client: TestClient, new_client: Callable[[], TestClient], context: AppContext
) -> None:
    account = create_account(admin_client)
    clients = _clients(new_client, "admin", PARALLEL)

    def create(n: int) -> int:
        response = clients[n].post(
            f"{BASE}/{account['id']}/token",
            json={"description": f"parallel {n}", "expiresAt": in_days(1)},
        )
        return response.status_code

    with ThreadPoolExecutor(PARALLEL) as pool:
        statuses = Counter(pool.map(create, range(PARALLEL)))

    assert statuses == {201: 10, 403: 10}
    tokens = admin_client.get(f"{BASE}/{account['id']}/token").json()["pats"]
    assert len(tokens) == 10
    events = admin_client.get(
        "/api/admin/search/events?type=IS:service-account-token-created"
    ).json()["total"]
    assert events == 10


def test_twenty_parallel_creations_of_one_username__one_account_nineteen_409s(
    admin_client: TestClient, new_client: Callable[[], TestClient]
) -> None:
    clients = _clients(new_client, "admin", PARALLEL)

    def create(n: int) -> int:
        response = clients[n].post(
            BASE, json={"username": "service-race", "name": f"Racer {n}", "rootRole": 3}
        )
        return response.status_code

    with ThreadPoolExecutor(PARALLEL) as pool:
        statuses = Counter(pool.map(create, range(PARALLEL)))

    assert statuses == {201: 1, 409: 19}
    accounts = admin_client.get(BASE).json()["serviceAccounts"]
    assert [a["username"] for a in accounts] == ["service-race"]


def test_parallel_duplicate_descriptions__one_token_rest_409(
    admin_client: TestClient, new_client: Callable[[], TestClient]
) -> None:
    account = create_account(admin_client)
    clients = _clients(new_client, "admin", 8)

    def create(n: int) -> int:
        response = clients[n].post(
            f"{BASE}/{account['id']}/token", json={"description": "same", "expiresAt": in_days(1)}
        )
        return response.status_code

    with ThreadPoolExecutor(8) as pool:
        statuses = Counter(pool.map(create, range(8)))
    assert statuses == {201: 1, 409: 7}
