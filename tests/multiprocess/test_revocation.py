"""Two server processes on one database behave as one server: a revocation made through one is
honoured by the other within a second, with no per-request database read."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from tests.multiprocess.servers import Server, server_pair

pytestmark = pytest.mark.slow
REVOCATION_BUDGET = 1.0


@pytest.fixture(scope="module")
def two_servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Server, Server]]:
    """Shared by the module: each test makes its own service account."""
    tmp_path = tmp_path_factory.mktemp("revocation")
    with server_pair(tmp_path) as pair:
        yield pair


def _token(admin: httpx.Client, username: str) -> tuple[int, int, str]:
    account = admin.post(
        "/api/admin/service-account", json={"username": username, "name": "n", "rootRole": 3}
    )
    account.raise_for_status()
    expires = (datetime.now(UTC) + timedelta(days=1)).isoformat()
    token = admin.post(
        f"/api/admin/service-account/{account.json()['id']}/token",
        json={"description": "d", "expiresAt": expires},
    )
    token.raise_for_status()
    return account.json()["id"], token.json()["id"], token.json()["secret"]


def _seconds_until_refused(server: Server, secret: str, started: float) -> float:
    with server.client() as client:
        while time.monotonic() - started < 5:
            status = client.get("/api/admin/user", headers={"Authorization": secret}).status_code
            if status == 401:
                return time.monotonic() - started
            assert status == 200
            time.sleep(0.01)
    return float("inf")


def test_token_deleted_through_one_process__refused_by_the_other_within_a_second(
    two_servers: tuple[Server, Server],
) -> None:
    first, second = two_servers
    with first.admin() as admin:
        account_id, token_id, secret = _token(admin, "service-a")
        with second.client() as other:
            warm = other.get("/api/admin/user", headers={"Authorization": secret})
            assert warm.status_code == 200  # now cached in the second process
        started = time.monotonic()
        deleted = admin.delete(f"/api/admin/service-account/{account_id}/token/{token_id}")
        assert deleted.status_code == 200
    elapsed = _seconds_until_refused(second, secret, started)
    print(f"token revocation seen by the other process after {elapsed * 1000:.0f} ms")
    assert elapsed < REVOCATION_BUDGET


def test_account_deleted_through_one_process__its_token_refused_by_the_other_within_a_second(
    two_servers: tuple[Server, Server],
) -> None:
    first, second = two_servers
    with first.admin() as admin:
        account_id, _, secret = _token(admin, "service-b")
        with second.client() as other:
            assert (
                other.get("/api/admin/user", headers={"Authorization": secret}).status_code == 200
            )
        started = time.monotonic()
        assert admin.delete(f"/api/admin/service-account/{account_id}").status_code == 200
    elapsed = _seconds_until_refused(second, secret, started)
    print(f"account deletion seen by the other process after {elapsed * 1000:.0f} ms")
    assert elapsed < REVOCATION_BUDGET
