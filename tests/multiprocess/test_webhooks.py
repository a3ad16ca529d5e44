"""Two server processes on one database deliver each webhook once, not once per process: both
deliverers sweep the same outbox, and the claim decides."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select

from flagstaff.events.models import OutboxEntry
from tests.multiprocess.servers import Server, database_url, server_pair
from tests.webhook_receiver import Receiver, receiver

pytestmark = pytest.mark.slow

FLAGS = 16
WAIT = 20.0


@pytest.fixture(scope="module")
def two_servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Server, Server]]:
    tmp_path: Path = tmp_path_factory.mktemp("webhooks")
    with server_pair(
        tmp_path,
        FLAGSTAFF_WEBHOOKS_ALLOW_PRIVATE_ADDRESSES="true",
        FLAGSTAFF_WEBHOOKS_SWEEP_SECONDS="0.2",
        FLAGSTAFF_WEBHOOKS_RETRY_FIRST_SECONDS="0.2",
    ) as servers:
        yield servers


def _pending(server: Server) -> int:
    engine = create_engine(database_url(server.env))
    try:
        with engine.connect() as connection:
            return int(connection.execute(select(func.count(OutboxEntry.id))).scalar_one())
    finally:
        engine.dispose()


def test_two_processes__each_event_delivered_once(two_servers: tuple[Server, Server]) -> None:
    first, second = two_servers
    hook: Receiver
    with receiver() as hook, first.admin() as one, second.admin() as two:
        created = one.post(
            "/api/admin/addons",
            json={
                "provider": "webhook",
                "enabled": True,
                "parameters": {"url": hook.url},
                "events": ["feature-created"],
            },
        )
        assert created.status_code == 200, created.text
        hook.secrets.append(created.json()["signingSecret"])
        # Half the events written through each process, so both deliverers are woken.
        for n in range(FLAGS):
            client = one if n % 2 else two
            made = client.post("/api/admin/projects/default/features", json={"name": f"mp-{n}"})
            assert made.status_code in (200, 201), made.text
        received = hook.wait_for(FLAGS, timeout=WAIT)
        # Every entry is deleted after its send: once the outbox is empty, nothing is in flight.
        deadline = time.monotonic() + WAIT
        while _pending(first) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert _pending(first) == 0
        with hook.lock:
            received = list(hook.received)
    names = sorted(r.json()["featureName"] for r in received)
    assert names == sorted(f"mp-{n}" for n in range(FLAGS))
    assert all(r.verified for r in received)
    assert len({r.headers["flagstaff-delivery"] for r in received}) == FLAGS
    with first.admin() as one:
        log = one.get(f"/api/admin/addons/{created.json()['id']}/events?limit=100").json()
    assert len(log["integrationEvents"]) == FLAGS
    assert {e["state"] for e in log["integrationEvents"]} == {"success"}
