"""``flagstaff serve`` as an operator meets it: first start, restarts, workers, and several
processes starting on one database at the same moment."""

from __future__ import annotations

import json
import re
import stat
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

import httpx
import pytest

from flagstaff.metrics import tally
from tests.api.metrics.helpers import Scrape, parse
from tests.cli.harness import Installation, Server, free_port, login

pytestmark = pytest.mark.slow

ANNOUNCED = re.compile(r"Password \(shown only this once\): (\S+)")
ENV_PASSWORD = "From-The-Env-42!"
REQUESTS = "flagstaff_http_requests_total"


def _announced_password(server: Server) -> str:
    found = ANNOUNCED.findall(server.stdout)
    assert len(found) == 1, server
    password: str = found[0]
    return password


@contextmanager
def _admin_session(server: Server, password: str) -> Iterator[httpx.Client]:
    with server.client() as client:
        assert login(client, "admin", password).status_code == 200
        yield client


def test_serve__first_start__prints_a_working_admin_password_once(install: Installation) -> None:
    server = install.start()
    server.wait_healthy()

    password = _announced_password(server)
    with _admin_session(server, password) as client:
        me = client.get("/api/admin/user").json()
    assert {"permission": "ADMIN"} in me["permissions"]
    assert password not in server.stderr  # the console banner only, never a log line


def test_serve__first_start__secret_key_file_is_owner_only(install: Installation) -> None:
    install.start().wait_healthy()

    key_file = install.data_dir / "secret_key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert len(key_file.read_text().strip()) >= 32


def test_serve__second_start__no_password_and_the_same_key(install: Installation) -> None:
    first = install.start()
    first.wait_healthy()
    password = _announced_password(first)
    key = (install.data_dir / "secret_key").read_text()
    with _admin_session(first, password) as client:
        cookies = client.cookies
    first.stop()

    second = install.start()
    second.wait_healthy()

    assert "assword" not in second.stdout
    assert (install.data_dir / "secret_key").read_text() == key
    # The session cookie from the first start still works: its digest is keyed by that key.
    with second.client() as client:
        client.cookies = cookies
        assert client.get("/api/admin/user").status_code == 200
    with second.client() as client:
        assert login(client, "admin", password).status_code == 200
    assert install.usernames() == ["admin"]


def test_serve__admin_password_from_env__used_and_never_printed(install: Installation) -> None:
    server = install.start(env={"FLAGSTAFF_ADMIN_PASSWORD": ENV_PASSWORD})
    server.wait_healthy()

    assert "FLAGSTAFF_ADMIN_PASSWORD" in server.stdout
    assert ENV_PASSWORD not in server.stdout + server.stderr
    assert ANNOUNCED.search(server.stdout) is None
    with server.client() as client:
        assert login(client, "admin", ENV_PASSWORD).status_code == 200


def _pids_answering(server: Server) -> set[int]:
    pids = set()
    for line in server.stderr.splitlines():
        if not line.startswith("{"):
            continue
        record = json.loads(line)
        if record.get("path", "").startswith("/health?probe"):
            pids.add(record["pid"])
    return pids


def test_serve__two_workers__both_answer_and_metrics_count_both(install: Installation) -> None:
    server = install.start("--workers", "2")
    server.wait_healthy()

    def probe(number: int) -> int:
        # A connection per request, so the kernel may hand each to either worker.
        with httpx.Client(base_url=server.url, timeout=5, trust_env=False) as client:
            return client.get(f"/health?probe={number}").status_code

    deadline = time.monotonic() + 20
    sent = 0
    with ThreadPoolExecutor(max_workers=8) as pool:
        while len(_pids_answering(server)) < 2 and time.monotonic() < deadline:
            statuses = list(pool.map(probe, range(sent, sent + 40)))
            assert set(statuses) == {200}
            sent += 40
            time.sleep(0.1)  # let the log lines reach the file

    workers = _pids_answering(server)
    assert len(workers) == 2, server
    assert server.process.pid not in workers  # workers, not the supervisor

    # Metrics: whichever worker answers the scrape reports both workers' figures.
    assert any((install.data_dir / "prometheus").iterdir())
    # A worker's counts reach the shared files within tally.FLUSH_SECONDS of its requests
    # (docs/metrics.md), so a scrape may at first miss the other worker's last ones.
    deadline = time.monotonic() + tally.FLUSH_SECONDS + 10
    for _ in range(4):  # a connection each: either worker may answer
        found = _scrape(server.url)
        while _health_count(found) < sent and time.monotonic() < deadline:
            time.sleep(0.2)
            found = _scrape(server.url)
        assert _health_count(found) >= sent
        assert {int(pid) for pid in found.label_values("flagstaff_revision", "pid")} == workers
        assert "process_cpu_seconds_total" not in found.names  # per process: left out


def _scrape(url: str) -> Scrape:
    with httpx.Client(base_url=url, timeout=5, trust_env=False) as client:
        response = client.get("/internal-backstage/prometheus")
    assert response.status_code == 200
    return parse(response.text)


def _health_count(found: Scrape) -> float:
    return found.value(REQUESTS, route="/health", method="GET", status="200")


def test_serve__two_processes_at_once_on_a_fresh_database__both_up_with_one_admin(
    install: Installation,
) -> None:
    servers = [install.start(), install.start()]

    for server in servers:
        server.wait_healthy()

    assert install.usernames() == ["admin"]
    announced = [ANNOUNCED.findall(s.stdout) for s in servers]
    assert sorted(len(found) for found in announced) == [0, 1]
    password = next(found[0] for found in announced if found)
    for server in servers:
        with server.client() as client:
            assert login(client, "admin", password).status_code == 200


def test_serve__short_secret_key__exit_2_without_echoing_it(install: Installation) -> None:
    short_key = "too-short-a-key-31-characters!!"
    assert len(short_key) == 31

    result = install.run(
        "serve", "--port", str(free_port()), env={"FLAGSTAFF_SECRET_KEY": short_key}
    )

    assert result.returncode == 2
    assert "FLAGSTAFF_SECRET_KEY must be at least 32 characters" in result.stderr
    assert short_key not in result.stderr + result.stdout
    assert not install.data_dir.exists()


def test_serve__weak_admin_password_in_env__exit_2_and_no_user(install: Installation) -> None:
    result = install.run(
        "serve", "--port", str(free_port()), env={"FLAGSTAFF_ADMIN_PASSWORD": "weakling"}
    )

    assert result.returncode == 2
    assert "FLAGSTAFF_ADMIN_PASSWORD is too weak" in result.stderr
    assert "weakling" not in result.stderr + result.stdout
    assert install.usernames() == []
