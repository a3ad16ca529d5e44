"""Two server processes on one database agree on an account token's lifecycle: a disabled
account or token, a rotation's grace window and the reuse that ends it are honoured by the
process that did not make the change within a second, and the cluster-wide token job records
its notices once per cluster, not once per process."""

from __future__ import annotations

import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import create_engine, select

from flagstaff.core.leases import JobLease
from flagstaff.credentials.account_tokens.jobs import JOB
from tests.multiprocess.servers import Server, database_url, server_pair

pytestmark = pytest.mark.slow

BUDGET = 1.0  # a change made in one process is honoured by the other within a second
WAIT = 5.0  # how long a poll goes on before it gives up
SA = "/api/admin/service-account"
WHOAMI = "/api/admin/user"
GRACE_SECONDS = 2
# Short enough that the last half, the warning window, opens while the test waits.
SHORT_LIFETIME = timedelta(seconds=4)
USER_PASSWORD = "Us3r-Passw0rd!x"


@pytest.fixture(scope="module")
def two_servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Server, Server]]:
    # One pair for the module (each test makes its own accounts), its token job every half
    # second, so both processes try it several times within a short-lived token's window.
    tmp_path: Path = tmp_path_factory.mktemp("lifecycle")
    with server_pair(tmp_path, FLAGSTAFF_TOKEN_JOB_SECONDS="0.5") as servers:
        yield servers


def _service_token(
    admin: httpx.Client, username: str, lifetime: timedelta = timedelta(days=1)
) -> tuple[int, int, str]:
    account = admin.post(SA, json={"username": username, "name": "n", "rootRole": 3})
    assert account.status_code == 201, account.text
    account_id: int = account.json()["id"]
    token_id, secret = _new_token(admin, account_id, "d", lifetime)
    return account_id, token_id, secret


def _new_token(
    admin: httpx.Client, account_id: int, description: str, lifetime: timedelta
) -> tuple[int, str]:
    expires = (datetime.now(UTC) + lifetime).isoformat()
    token = admin.post(
        f"{SA}/{account_id}/token", json={"description": description, "expiresAt": expires}
    )
    assert token.status_code == 201, token.text
    return token.json()["id"], token.json()["secret"]


def _bearer(secret: str) -> dict[str, str]:
    return {"Authorization": secret}


def _accepted_now(server: Server, headers: dict[str, str]) -> None:
    """Asserts ``server`` accepts the credential, which also puts it in that process's cache."""
    with server.client() as client:
        response = client.get(WHOAMI, headers=headers)
    assert response.status_code == 200, response.text


def _seconds_until(
    server: Server, headers: dict[str, str], status: int, started: float
) -> tuple[float, httpx.Response]:
    """How long after ``started`` ``server`` first answers the credential with ``status`` (200
    or 401), and that answer. Until then it must give the other one, never an error."""
    other = 401 if status == 200 else 200
    with server.client() as client:
        while True:
            response = client.get(WHOAMI, headers=headers)
            elapsed = time.monotonic() - started
            if response.status_code == status or elapsed > WAIT:
                return elapsed, response
            assert response.status_code == other, response.text
            time.sleep(0.01)


def _assert_refused(response: httpx.Response, *fragments: str) -> None:
    assert response.status_code == 401, response.text
    message = response.json()["message"].lower()
    for fragment in fragments:
        assert fragment in message, message


def _events(admin: httpx.Client, type_: str) -> list[dict[str, Any]]:
    response = admin.get("/api/admin/search/events", params={"type": type_, "limit": 1000})
    assert response.status_code == 200, response.text
    events: list[dict[str, Any]] = response.json()["events"]
    return events


@pytest.mark.parametrize(
    ("switched", "words"),
    [("account", ("account", "disabled")), ("token", ("token", "disabled"))],
)
def test_disabled_in_one_process__refused_then_accepted_again_by_the_other(
    two_servers: tuple[Server, Server], switched: str, words: tuple[str, str]
) -> None:
    first, second = two_servers
    with first.admin() as admin:
        account_id, token_id, secret = _service_token(admin, f"service-{switched}-off")
        switch = f"{SA}/{account_id}" + (f"/token/{token_id}" if switched == "token" else "")
        _accepted_now(second, _bearer(secret))
        started = time.monotonic()
        assert admin.post(f"{switch}/disable").status_code == 200
        refused_after, refused = _seconds_until(second, _bearer(secret), 401, started)
        started = time.monotonic()
        assert admin.post(f"{switch}/enable").status_code == 200
        accepted_after, accepted = _seconds_until(second, _bearer(secret), 200, started)
    print(
        f"disabled {switched} seen after {refused_after * 1000:.0f} ms, enabled after "
        f"{accepted_after * 1000:.0f} ms"
    )
    _assert_refused(refused, *words)
    assert refused_after < BUDGET
    assert accepted.status_code == 200, accepted.text
    assert accepted_after < BUDGET


def _user_with_pat(admin: httpx.Client, server: Server, username: str) -> tuple[int, str, str]:
    """A user made by ``admin``, its PAT and its login session (the cookie's value)."""
    user = admin.post(
        "/api/admin/user-admin",
        json={"username": username, "password": USER_PASSWORD, "rootRole": "Editor"},
    )
    assert user.status_code == 201, user.text
    with server.client() as person:
        login = person.post(
            "/auth/simple/login", json={"username": username, "password": USER_PASSWORD}
        )
        assert login.status_code == 200, login.text
        expires = (datetime.now(UTC) + timedelta(days=1)).isoformat()
        pat = person.post(WHOAMI + "/tokens", json={"description": "cli", "expiresAt": expires})
        assert pat.status_code == 201, pat.text
        cookie = person.cookies["flagstaff-session"]
    return user.json()["id"], pat.json()["secret"], cookie


def test_user__disabled_in_one_process__pat_and_session_refused_then_accepted_by_the_other(
    two_servers: tuple[Server, Server],
) -> None:
    first, second = two_servers
    with first.admin() as admin:
        user_id, pat, cookie = _user_with_pat(admin, first, "dana")
        credentials = [_bearer(pat), {"Cookie": f"flagstaff-session={cookie}"}]
        for headers in credentials:
            _accepted_now(second, headers)
        started = time.monotonic()
        assert admin.post(f"/api/admin/user-admin/{user_id}/disable").status_code == 200
        refusals = [_seconds_until(second, headers, 401, started) for headers in credentials]
        started = time.monotonic()
        assert admin.post(f"/api/admin/user-admin/{user_id}/enable").status_code == 200
        acceptances = [_seconds_until(second, headers, 200, started) for headers in credentials]
    for elapsed, refused in refusals:
        _assert_refused(refused, "account", "disabled")
        assert elapsed < BUDGET
    for elapsed, accepted in acceptances:
        assert accepted.status_code == 200, accepted.text
        assert elapsed < BUDGET


def _grace_ends(admin: httpx.Client, account_id: int, token_id: int) -> float:
    """The end of the rotated token's grace window, as a POSIX time."""
    listed = admin.get(f"{SA}/{account_id}/token").json()["pats"]
    [rotated] = [token for token in listed if token["id"] == token_id]
    return datetime.fromisoformat(rotated["validUntil"]).timestamp()


def _works_until(server: Server, secret: str, moment: float) -> int:
    """Presents ``secret`` to ``server`` until shortly before ``moment``; every answer must be
    200. Returns how many there were."""
    answers = 0
    with server.client() as client:
        while time.time() < moment - 0.2:
            response = client.get(WHOAMI, headers=_bearer(secret))
            assert response.status_code == 200, response.text
            answers += 1
            time.sleep(0.05)
    return answers


def _refused_after(server: Server, secret: str, moment: float) -> tuple[float, list[str]]:
    """Presents ``secret`` to ``server`` until it is refused, and half a second longer (the
    refusal sets off the family's revocation: more presentations must not repeat it). Returns
    how long after ``moment`` the first refusal came, and the refusals' messages."""
    refused_at: float | None = None
    messages: list[str] = []
    with server.client() as client:
        while refused_at is None or time.time() < refused_at + 0.5:
            response = client.get(WHOAMI, headers=_bearer(secret))
            if response.status_code == 200:
                assert refused_at is None, "accepted again after a refusal"
                assert time.time() < moment + WAIT, "still accepted long after its grace window"
            else:
                assert response.status_code == 401, response.text
                refused_at = refused_at or time.time()
                messages.append(response.json()["message"])
            time.sleep(0.01)
    return refused_at - moment, messages


def test_rotation__grace_window_ends__other_refuses_the_old_token_and_family_revoked_once(
    two_servers: tuple[Server, Server],
) -> None:
    first, second = two_servers
    with first.admin() as admin:
        account_id, token_id, old = _service_token(admin, "service-rotated")
        _accepted_now(second, _bearer(old))
        rotated = admin.post(
            f"{SA}/{account_id}/token/{token_id}/rotate", json={"graceSeconds": GRACE_SECONDS}
        )
        assert rotated.status_code == 201, rotated.text
        successor_id, successor = rotated.json()["id"], rotated.json()["secret"]
        grace_ends = _grace_ends(admin, account_id, token_id)
        _accepted_now(second, _bearer(successor))

        assert _works_until(second, old, grace_ends) > 10
        # Both processes are presented the old token as its window ends.
        with ThreadPoolExecutor(2) as pool:
            refusals = list(pool.map(lambda s: _refused_after(s, old, grace_ends), two_servers))
        started = time.monotonic()
        successor_refusals = [
            _seconds_until(s, _bearer(successor), 401, started) for s in two_servers
        ]
        reuse_events = [
            event
            for event in _events(admin, "token-reuse-detected")
            if event["data"]["familyId"] == token_id
        ]
    print(
        "old token refused after its grace window by each process after "
        + ", ".join(f"{elapsed * 1000:.0f} ms" for elapsed, _ in refusals)
    )
    for elapsed, messages in refusals:
        assert 0 <= elapsed < BUDGET
        for message in messages:
            assert "rotation" in message or "revoked" in message, message
    assert any("rotation" in message for _, messages in refusals for message in messages)
    for elapsed, refused in successor_refusals:
        _assert_refused(refused, "revoked")
        assert elapsed < BUDGET
    assert len(reuse_events) == 1, reuse_events
    [event] = reuse_events
    assert sorted(event["data"]["revokedIds"]) == [token_id, successor_id]
    assert event["data"]["tokenId"] == token_id


def _lease_holders(server: Server, seconds: float) -> set[str]:
    """Who held the token job's lease, read from the database every hundredth of a second for
    ``seconds``: often enough to see a lease that changes hands at each run."""
    engine = create_engine(database_url(server.env))
    holders: set[str] = set()
    deadline = time.monotonic() + seconds
    try:
        with engine.connect() as connection:
            while time.monotonic() < deadline:
                holder = connection.execute(
                    select(JobLease.holder).where(JobLease.name == JOB)
                ).scalar_one_or_none()
                connection.rollback()  # the next read sees what was committed since
                holders.add(str(holder))
                time.sleep(0.01)
    finally:
        engine.dispose()
    return holders


def test_token_job__two_processes__one_lease_holder_and_one_expiry_notice_per_token(
    two_servers: tuple[Server, Server],
) -> None:
    first, second = two_servers
    with first.admin() as admin:
        account_id, first_id, _ = _service_token(admin, "service-expiring", SHORT_LIFETIME)
        token_ids = [first_id] + [
            _new_token(admin, account_id, f"t{n}", SHORT_LIFETIME)[0] for n in range(2)
        ]
        # Through the tokens' whole lives: by then every run in either process that could
        # notice them (again) has happened.
        holders = _lease_holders(first, SHORT_LIFETIME.total_seconds() + 1)
        notices = [
            event
            for event in _events(admin, "service-account-token-expiring")
            if event["data"]["ownerId"] == account_id
        ]
    [holder] = holders
    assert int(holder.split(":")[-2]) in {first.process.pid, second.process.pid}
    assert sorted(event["data"]["id"] for event in notices) == sorted(token_ids)
    assert {event["createdBy"] for event in notices} == {"unleash_system_user"}
