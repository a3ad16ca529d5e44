"""Three ``flagstaff serve`` processes on one PostgreSQL schema behind HAProxy (round robin,
health-checked on ``/ready``), as docs/deploying.md recommends: started at once they migrate once;
a token revoked through one is refused by all; with one killed (SIGKILL) mid-traffic, no
acknowledged write is lost and the official Python SDK keeps getting answers.

One cluster serves the whole module; the test that kills a process runs last."""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, text
from UnleashClient import UnleashClient
from UnleashClient.utils import InstanceAllowType

from flagstaff.core import migrate
from tests.cluster.haproxy import (
    CHECK_INTERVAL_MS,
    FALL,
    LoadBalancer,
    haproxy,
    running_load_balancer,
    server_name,
)
from tests.db import on_postgres
from tests.multiprocess.servers import Server, database_url, running_servers, shared_database
from tests.sdk.live import wait_for

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not on_postgres(),
        reason="a cluster shares one PostgreSQL; a SQLite file lives on one host",
    ),
]
PROJECT = "/api/admin/projects/default/features"
SDK_APP = "cluster-sdk"
REVOCATION_BUDGET = 1.0
# How long after a kill HAProxy may still pick the dead server: FALL failed checks, one interval
# apart, plus the time a check takes to fail and some scheduling slack on a loaded machine.
FAILOVER_BUDGET = FALL * CHECK_INTERVAL_MS / 1000 + 1.0


@dataclass
class Cluster:
    servers: list[Server]
    balancer: LoadBalancer
    env: dict[str, str] = field(repr=False)
    admin_token: str = field(repr=False)

    def through_balancer(self, token: str | None = None) -> httpx.Client:
        headers = {"Authorization": token or self.admin_token}
        return httpx.Client(base_url=self.balancer.url, headers=headers, timeout=10)


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    haproxy()  # skipped (or failed, in CI) before any server starts when HAProxy is missing
    tmp_path = tmp_path_factory.mktemp("cluster")
    with (
        shared_database(tmp_path) as env,
        running_servers(env, tmp_path, count=3) as servers,
        running_load_balancer(servers, tmp_path) as balancer,
    ):
        with servers[0].admin() as admin:
            created = admin.post(
                "/api/admin/api-tokens",
                json={"tokenName": "cluster-admin", "type": "admin", "environment": "*"},
            )
            assert created.status_code == 201, created.text
        yield Cluster(servers, balancer, env, created.json()["secret"])


def test_three_processes_started_at_once__migrate_once_and_create_one_admin(
    cluster: Cluster,
) -> None:
    engine = create_engine(database_url(cluster.env))
    try:
        with engine.connect() as connection:
            versions = connection.execute(text("SELECT version_num FROM alembic_version")).all()
            admins = connection.execute(
                text("SELECT count(*) FROM users WHERE username = 'admin'")
            ).scalar_one()
    finally:
        engine.dispose()
    head = ScriptDirectory.from_config(migrate.alembic_config()).get_current_head()
    assert [row[0] for row in versions] == [head]
    assert admins == 1
    announced = [s for s in cluster.servers if "Created the user 'admin'" in s.output.read_text()]
    assert len(announced) == 1  # the other two found the admin there when the lock was theirs


def _service_account_token(admin: httpx.Client, username: str) -> tuple[int, int, str]:
    account = admin.post(
        "/api/admin/service-account", json={"username": username, "name": "n", "rootRole": 3}
    )
    assert account.status_code == 201, account.text
    expires = (datetime.now(UTC) + timedelta(days=1)).isoformat()
    token = admin.post(
        f"/api/admin/service-account/{account.json()['id']}/token",
        json={"description": "d", "expiresAt": expires},
    )
    assert token.status_code == 201, token.text
    return account.json()["id"], token.json()["id"], token.json()["secret"]


def test_token_revoked_through_one_process__refused_by_all_three_within_a_second(
    cluster: Cluster,
) -> None:
    first = cluster.servers[0]
    with first.admin() as admin:
        account_id, token_id, secret = _service_account_token(admin, "cluster-revoked")
        for server in cluster.servers:  # each process has the token in its cache now
            with server.client() as client:
                warm = client.get("/api/admin/user", headers={"Authorization": secret})
                assert warm.status_code == 200, f"{server.url}: {warm.text}"
        started = time.monotonic()
        deleted = admin.delete(f"/api/admin/service-account/{account_id}/token/{token_id}")
        assert deleted.status_code == 200, deleted.text
    refused_after = _seconds_until_refused_by_each(cluster.servers, secret, started)
    print(
        "token revocation refused after "
        + ", ".join(
            f"{server_name(s)}: {refused_after[s.port] * 1000:.0f} ms" for s in cluster.servers
        )
    )
    assert max(refused_after.values()) < REVOCATION_BUDGET


def _seconds_until_refused_by_each(
    servers: list[Server], secret: str, started: float
) -> dict[int, float]:
    refused_after = {server.port: float("inf") for server in servers}
    clients = {server.port: server.client() for server in servers}
    try:
        while time.monotonic() - started < 5 and float("inf") in refused_after.values():
            for port, client in clients.items():
                if refused_after[port] != float("inf"):
                    continue
                status = client.get(
                    "/api/admin/user", headers={"Authorization": secret}
                ).status_code
                if status == 401:
                    refused_after[port] = time.monotonic() - started
                else:
                    assert status == 200
            time.sleep(0.01)
    finally:
        for client in clients.values():
            client.close()
    return refused_after


@dataclass
class Outcome:
    at: float  # epoch seconds, as HAProxy's log has them
    status: int  # 0: no answer (connection reset, timeout): see error
    name: str = ""
    error: str = ""

    @property
    def acknowledged(self) -> bool:
        return 200 <= self.status < 300


class Traffic:
    """Admin API writes (one new flag per request) and Client API polls through the load
    balancer, each in its own thread, noting what every request got."""

    def __init__(self, cluster: Cluster, client_token: str) -> None:
        self.cluster = cluster
        self.client_token = client_token
        self.writes: list[Outcome] = []
        self.polls: list[Outcome] = []
        self.stop = threading.Event()
        self.threads = [
            threading.Thread(target=self._write, daemon=True),
            threading.Thread(target=self._poll, daemon=True),
        ]

    def __enter__(self) -> Traffic:
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=15)

    def _write(self) -> None:
        with self.cluster.through_balancer() as client:
            number = 0
            while not self.stop.is_set():
                number += 1
                name = f"lb-write-{number}"
                at = time.time()
                status, error = _send(client, "POST", PROJECT, {"name": name})
                self.writes.append(Outcome(at, status, name, error))
                time.sleep(0.01)

    def _poll(self) -> None:
        with self.cluster.through_balancer(self.client_token) as client:
            while not self.stop.is_set():
                at = time.time()
                status, error = _send(client, "GET", "/api/client/features")
                self.polls.append(Outcome(at, status, error=error))
                time.sleep(0.01)


def _send(client: httpx.Client, method: str, path: str, body: Any = None) -> tuple[int, str]:
    try:
        return client.request(method, path, json=body).status_code, ""
    except httpx.HTTPError as error:
        return 0, repr(error)


def _ok(response: httpx.Response) -> Any:
    assert response.status_code < 300, f"{response.request.url}: {response.text}"
    return response.json() if response.content else None


@pytest.fixture
def sdk(cluster: Cluster, tmp_path: Path) -> Iterator[tuple[UnleashClient, str]]:
    """The official Python SDK polling through the load balancer every second."""
    with cluster.through_balancer() as admin:
        for name in ("cluster-on", "cluster-switch"):
            _ok(admin.post(PROJECT, json={"name": name}))
            _ok(
                admin.post(
                    f"{PROJECT}/{name}/environments/development/strategies",
                    json={"name": "default"},
                )
            )
        _ok(admin.post(f"{PROJECT}/cluster-on/environments/development/on"))
        token = _ok(
            admin.post(
                "/api/admin/api-tokens",
                json={"tokenName": "cluster-sdk", "type": "client", "environment": "development"},
            )
        )["secret"]
    client = UnleashClient(
        url=f"{cluster.balancer.url}/api",
        app_name=SDK_APP,
        instance_id="cluster-sdk-1",
        custom_headers={"Authorization": token},
        refresh_interval=1,
        metrics_interval=1,
        cache_directory=str(tmp_path / "sdk-cache"),
        multiple_instance_mode=InstanceAllowType.SILENTLY_ALLOW,
    )
    client.initialize_client()
    try:
        wait_for(lambda: client.is_enabled("cluster-on"), what="the SDK's first fetch")
        yield client, token
    finally:
        client.destroy()


def test_one_process_killed_mid_traffic__no_acknowledged_write_lost_and_sdk_keeps_answers(
    cluster: Cluster, sdk: tuple[UnleashClient, str]
) -> None:
    client, token = sdk
    victim = cluster.servers[-1]
    with Traffic(cluster, token) as traffic:
        time.sleep(1.0)  # traffic spread over all three first
        killed_at = time.time()
        victim.process.send_signal(signal.SIGKILL)
        victim.process.wait()
        wait_for(
            lambda: cluster.balancer.server_states()[server_name(victim)].startswith("DOWN"),
            timeout=10,
            what="HAProxy to take the killed server out",
        )
        down_at = time.time()
        with cluster.through_balancer() as admin:
            _ok(admin.post(f"{PROJECT}/cluster-switch/environments/development/on"))
        wait_for(lambda: client.is_enabled("cluster-switch"), what="the SDK to see the switch")
        seen_at = time.time()
        time.sleep(0.5)  # and traffic goes on beside it

    with cluster.through_balancer() as admin:
        stored = {flag["name"] for flag in _ok(admin.get(PROJECT))["features"]}
    acknowledged = [w.name for w in traffic.writes if w.acknowledged]
    lost = [name for name in acknowledged if name not in stored]

    entries = cluster.balancer.entries()
    sdk_polls = [
        e for e in entries if e.app_name == SDK_APP and e.path.startswith("/api/client/features")
    ]
    failed_sdk_polls = [e for e in sdk_polls if e.failed]
    failed_polls = [p for p in traffic.polls if not 200 <= p.status < 400]
    failed_writes = [w for w in traffic.writes if not w.acknowledged]
    retried = [e for e in entries if e.retries and e.received >= killed_at]
    print(
        f"failover: HAProxy took the killed server out {down_at - killed_at:.2f}s after SIGKILL; "
        f"the SDK saw a switch made after it {seen_at - down_at:.2f}s later\n"
        f"writes: {len(traffic.writes)} sent, {len(acknowledged)} acknowledged, "
        f"{len(failed_writes)} failed {[(w.status, w.error) for w in failed_writes]}\n"
        f"client polls: {len(traffic.polls)} sent, {len(failed_polls)} failed; "
        f"SDK polls: {len(sdk_polls)}, {len(failed_sdk_polls)} failed; "
        f"requests HAProxy retried on another server after the kill: {len(retried)}"
    )
    assert not lost, f"acknowledged writes missing after the kill: {lost}"
    assert any(w.acknowledged and w.at > down_at for w in traffic.writes)
    assert client.is_enabled("cluster-switch")
    assert any(e.received > down_at and not e.failed for e in sdk_polls)
    # Polls fail, if at all, only while HAProxy may still pick the dead server.
    failover_ends = killed_at + FAILOVER_BUDGET
    assert all(p.at <= failover_ends for p in failed_polls), failed_polls
    assert all(e.received <= failover_ends for e in failed_sdk_polls), failed_sdk_polls
