"""Login throttling across two server processes on one database, behind a trusted proxy: both
count every failure, both make a failing address wait, and neither keeps the owner out.

The two servers are shared by the module (starting them is most of the cost); each test logs in
as a person of its own, so the counts of one test never reach another."""

from __future__ import annotations

from collections.abc import Iterator
from itertools import count, cycle

import httpx
import pytest

from tests.multiprocess.servers import Server, server_pair

pytestmark = pytest.mark.slow
FREE = 3
CEILING = 6
SETTINGS = {
    "FLAGSTAFF_TRUST_PROXY_HEADERS": "true",
    "FLAGSTAFF_LOGIN_FREE_ATTEMPTS": str(FREE),
    "FLAGSTAFF_LOGIN_CEILING": str(CEILING),
    # Ten minutes: a waiting address is still waiting when the test looks.
    "FLAGSTAFF_LOGIN_FIRST_DELAY_SECONDS": "600",
}
OWNER = "198.51.100.10"
PASSWORD = "Own3r-Passw0rd!"
PEOPLE = count(1)


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Server, Server]]:
    with server_pair(tmp_path_factory.mktemp("throttle"), **SETTINGS) as pair:
        yield pair


@pytest.fixture
def person(servers: tuple[Server, Server]) -> tuple[int, str]:
    """A person of this test's own, with ``PASSWORD``: (id, username)."""
    username = f"person-{next(PEOPLE)}"
    with servers[0].admin() as admin:
        created = admin.post(
            "/api/admin/user-admin",
            json={"username": username, "password": PASSWORD, "rootRole": "Viewer"},
        )
        created.raise_for_status()
    return created.json()["id"], username


def attempt(server: Server, name: str, password: str, address: str) -> httpx.Response:
    with server.client() as client:
        return client.post(
            "/auth/simple/login",
            json={"username": name, "password": password},
            headers={"X-Forwarded-For": address},
        )


def test_login_throttle__failures_through_both_processes__counted_together(
    servers: tuple[Server, Server], person: tuple[int, str]
) -> None:
    _, name = person
    turns = cycle(servers)
    failures = [
        attempt(next(turns), name, "Wrong-pass1!", "203.0.113.1").status_code
        for _ in range(FREE + 1)
    ]

    refused = [attempt(s, name, PASSWORD, "203.0.113.1") for s in servers]
    owner = attempt(servers[1], name, PASSWORD, OWNER)

    assert failures == [401] * (FREE + 1)
    assert [r.status_code for r in refused] == [429, 429]
    assert all(590 <= int(r.headers["retry-after"]) <= 600 for r in refused)
    assert owner.status_code == 200


def test_login_throttle__unknown_name_through_both__same_answers_as_a_person(
    servers: tuple[Server, Server], person: tuple[int, str]
) -> None:
    def statuses(name: str, address: str) -> list[int]:
        turns = cycle(servers)
        return [
            attempt(next(turns), name, "Wrong-pass1!", address).status_code for _ in range(FREE + 3)
        ]

    assert statuses(person[1], "203.0.113.2") == statuses("no-such-user", "203.0.113.3")


def test_login_throttle__name_over_ceiling_through_both__new_address_still_gets_in(
    servers: tuple[Server, Server], person: tuple[int, str]
) -> None:
    _, name = person
    turns = cycle(servers)
    attackers = [f"10.0.0.{n}" for n in range(CEILING)]
    first_tries = [attempt(next(turns), name, "Wrong-pass1!", a).status_code for a in attackers]

    second_tries = [attempt(next(turns), name, PASSWORD, a).status_code for a in attackers]
    owner = attempt(next(turns), name, PASSWORD, OWNER)

    assert first_tries == [401] * CEILING
    assert second_tries == [429] * CEILING
    assert owner.status_code == 200


def test_login_throttle__cleared_through_one__the_other_lets_the_address_in(
    servers: tuple[Server, Server], person: tuple[int, str]
) -> None:
    person_id, name = person
    first, second = servers
    for _ in range(FREE + 1):
        attempt(first, name, "Wrong-pass1!", "203.0.113.4")
    assert attempt(second, name, PASSWORD, "203.0.113.4").status_code == 429

    with first.admin() as admin:
        assert admin.delete(f"/api/admin/user-admin/{person_id}/login-throttle").status_code == 200

    assert attempt(second, name, PASSWORD, "203.0.113.4").status_code == 200
