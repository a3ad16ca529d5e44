"""A server whose PostgreSQL connections are terminated mid-traffic (``pg_terminate_backend``,
as a failover or an administrator does) answers no 500 and loses no write it acknowledged: a
request caught on a dying connection is a 503 with Retry-After, logged once; the next requests
get fresh connections."""

from __future__ import annotations

import json
import os
import threading
import uuid
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import create_engine, text

from tests.db import on_postgres, postgres_url
from tests.multiprocess.servers import Server, running_server, shared_database

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not on_postgres(), reason="terminates PostgreSQL backends"),
]
WORKERS = 4
KILLS = 6
REQUESTS_BETWEEN_KILLS = 12


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[Server, str]]:
    """One server whose connections carry an application name of their own, so that the test
    terminates its backends and nobody else's."""
    name = f"fs_kill_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    with shared_database(tmp_path) as env:
        env["DATABASE_URL"] += f"&application_name={name}"
        with running_server(env, tmp_path) as running:
            yield running, name


def terminate_backends(application_name: str) -> int:
    engine = create_engine(postgres_url("public"))
    try:
        with engine.begin() as connection:
            return int(
                connection.execute(
                    text(
                        "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                        "WHERE application_name = :name"
                    ),
                    {"name": application_name},
                ).scalar_one()
            )
    finally:
        engine.dispose()


class Traffic:
    """Workers that create flags and list them until stopped, recording every answer."""

    def __init__(self, clients: list[httpx.Client]) -> None:
        self.clients = clients
        self.lock = threading.Lock()
        self.answers: list[httpx.Response] = []
        self.acknowledged: list[str] = []
        self.transport_errors: list[str] = []
        self.progress = threading.Condition(self.lock)
        self.stop = threading.Event()

    def run(self, worker: int) -> None:
        client = self.clients[worker]
        for n in range(1_000_000):
            if self.stop.is_set():
                return
            name = f"w{worker}-f{n}"
            try:
                created = client.post("/api/admin/projects/default/features", json={"name": name})
                listed = client.get("/api/admin/projects/default/features")
            except httpx.TransportError as error:
                with self.lock:
                    self.transport_errors.append(repr(error))
                continue
            with self.progress:
                self.answers += [created, listed]
                if created.status_code == 201:
                    self.acknowledged.append(name)
                self.progress.notify_all()

    def wait_for(self, count: int) -> None:
        with self.progress:
            self.progress.wait_for(lambda: len(self.answers) >= count, timeout=60)


def test_backends_terminated_mid_traffic__no_500_no_acknowledged_write_lost(
    server: tuple[Server, str],
) -> None:
    running, application_name = server
    clients = []
    for _ in range(WORKERS):
        client = running.client()
        client.post(
            "/auth/simple/login", json={"username": "admin", "password": "Adm1n-Passw0rd!"}
        ).raise_for_status()
        clients.append(client)
    traffic = Traffic(clients)
    workers = [threading.Thread(target=traffic.run, args=(n,)) for n in range(WORKERS)]
    for worker in workers:
        worker.start()
    killed = 0
    try:
        for round_ in range(1, KILLS + 1):
            traffic.wait_for(round_ * REQUESTS_BETWEEN_KILLS)
            killed += terminate_backends(application_name)
        traffic.wait_for((KILLS + 1) * REQUESTS_BETWEEN_KILLS)
    finally:
        traffic.stop.set()
        for worker in workers:
            worker.join(timeout=60)

    after = [
        clients[0].post("/api/admin/projects/default/features", json={"name": f"after-{n}"})
        for n in range(5)
    ]
    stored = {
        f["name"] for f in clients[0].get("/api/admin/projects/default/features").json()["features"]
    }
    for client in clients:
        client.close()
    statuses = Counter(r.status_code for r in traffic.answers)
    refused = [r for r in traffic.answers if r.status_code == 503]
    log = [
        json.loads(line) for line in running.output.read_text().splitlines() if line.startswith("{")
    ]
    logged = [e for e in log if e.get("msg", "").startswith("database unavailable on ")]

    assert killed >= KILLS
    assert traffic.transport_errors == []
    assert set(statuses) <= {200, 201, 503}, statuses
    assert [r.status_code for r in after] == [201] * 5
    assert [name for name in traffic.acknowledged if name not in stored] == []
    for response in refused:
        assert response.headers["retry-after"] == "5"
        assert response.json()["name"] == "ServiceUnavailableError"
    assert len(logged) == len(refused)
    assert not [e for e in log if "unhandled error" in e.get("msg", "")]
    assert not [e for e in log if e.get("msg") == "Exception in ASGI application"]
