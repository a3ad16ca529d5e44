"""A project's feature limit holds when flag creations race: each counts under a lock on the
project's row. A pause after the count widens the window a missing lock would leave open."""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event

from flagstaff.http.context import AppContext
from tests.api.flags.support import events, features_url
from tests.factories import login

PARALLEL = 20
LIMIT = 5


@pytest.fixture
def slow_count(context: AppContext) -> Iterator[None]:
    engine = context.database.engine

    def pause(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if "count(" in statement.lower() and "FROM features" in statement:
            time.sleep(0.05)

    event.listen(engine, "after_cursor_execute", pause)
    yield
    event.remove(engine, "after_cursor_execute", pause)


def _race(
    clients: list[TestClient], url: str, body: Callable[[int], dict[str, Any]]
) -> Counter[int]:
    start = threading.Barrier(len(clients))

    def create(n: int) -> int:
        start.wait()
        response = clients[n].post(url, json=body(n))
        if response.status_code == 400:
            assert f"limit of {LIMIT}" in response.json()["message"]
        return response.status_code

    with ThreadPoolExecutor(len(clients)) as pool:
        return Counter(pool.map(create, range(len(clients))))


def test_parallel_flag_creations__exactly_the_limit_created(
    admin_client: TestClient,
    new_client: Callable[[], TestClient],
    context: AppContext,
    slow_count: None,
) -> None:
    response = admin_client.put(
        "/api/admin/projects/default", json={"name": "Default", "featureLimit": LIMIT}
    )
    assert response.status_code == 200, response.text
    clients = [login(new_client(), "admin") for _ in range(PARALLEL)]

    statuses = _race(clients, features_url(), lambda n: {"name": f"race-{n}"})

    assert statuses == {201: LIMIT, 400: PARALLEL - LIMIT}
    assert len(admin_client.get(features_url()).json()["features"]) == LIMIT
    assert len(events(context, "feature-created")) == LIMIT


def test_parallel_clones__exactly_the_limit_created(
    admin_client: TestClient,
    new_client: Callable[[], TestClient],
    context: AppContext,
    slow_count: None,
) -> None:
    assert admin_client.post(features_url(), json={"name": "source"}).status_code == 201
    response = admin_client.put(
        "/api/admin/projects/default", json={"name": "Default", "featureLimit": LIMIT}
    )
    assert response.status_code == 200, response.text
    clients = [login(new_client(), "admin") for _ in range(PARALLEL)]

    url = features_url("default", "source", "clone")
    statuses = _race(clients, url, lambda n: {"name": f"copy-{n}"})

    assert statuses == {201: LIMIT - 1, 400: PARALLEL - LIMIT + 1}
    assert len(admin_client.get(features_url()).json()["features"]) == LIMIT
