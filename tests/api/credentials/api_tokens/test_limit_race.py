"""The API-token limit holds when creations race: each counts under the same lock, so concurrent
requests cannot all see room for one more. A pause after the count (a listener on the engine)
widens the window a missing lock would leave open."""

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

from flagstaff.core.errors import BadDataError
from flagstaff.credentials.api_tokens import service as api_token_service
from flagstaff.credentials.api_tokens.service import ApiTokenService, NewApiToken
from flagstaff.events.service import SYSTEM
from flagstaff.http.context import AppContext
from tests.api.credentials.api_tokens.helpers import BASE, counts, events_of
from tests.factories import login

PARALLEL = 20
LIMIT = 5


@pytest.fixture
def slow_count(context: AppContext) -> Iterator[None]:
    """Every count of API tokens takes a moment longer before its transaction goes on."""
    engine = context.database.engine

    def pause(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if "count(" in statement.lower() and "api_tokens" in statement:
            time.sleep(0.05)

    event.listen(engine, "after_cursor_execute", pause)
    yield
    event.remove(engine, "after_cursor_execute", pause)


def _new(n: int) -> NewApiToken:
    return NewApiToken(name=f"race-{n}", type="client", environment="development", projects=["*"])


def test_parallel_creations_through_the_service__never_more_than_the_limit(
    context: AppContext, slow_count: None
) -> None:
    start = threading.Barrier(PARALLEL)

    def create(n: int) -> str:
        start.wait()
        try:
            with context.database.transaction() as session:
                ApiTokenService(session, context.keys, limit=LIMIT).create(SYSTEM, _new(n))
        except BadDataError as refused:
            return str(refused)
        return "created"

    with ThreadPoolExecutor(PARALLEL) as pool:
        outcomes = Counter(pool.map(create, range(PARALLEL)))

    refusal = "Failed to create api token. You can't create more than the established limit of 5."
    assert outcomes == {"created": LIMIT, refusal: PARALLEL - LIMIT}
    assert counts(context)[0] == LIMIT
    assert len(events_of(context, "api-token-created")) == LIMIT


def test_parallel_creations_over_http__exactly_the_limit_created(
    admin_client: TestClient,
    new_client: Callable[[], TestClient],
    context: AppContext,
    monkeypatch: pytest.MonkeyPatch,
    slow_count: None,
) -> None:
    monkeypatch.setattr(api_token_service, "MAX_TOKENS", LIMIT)
    clients = [login(new_client(), "admin") for _ in range(PARALLEL)]
    start = threading.Barrier(PARALLEL)

    def create(n: int) -> int:
        start.wait()
        body = {"tokenName": f"race-{n}", "type": "client", "environment": "development"}
        response = clients[n].post(BASE, json=body)
        if response.status_code == 400:
            assert "limit of 5" in response.json()["message"]
        return response.status_code

    with ThreadPoolExecutor(PARALLEL) as pool:
        statuses = Counter(pool.map(create, range(PARALLEL)))

    assert statuses == {201: LIMIT, 400: PARALLEL - LIMIT}
    assert len(admin_client.get(BASE).json()["tokens"]) == LIMIT
    assert len(events_of(context, "api-token-created")) == LIMIT


def test_limit__reached__refused_and_freed_by_a_deletion(context: AppContext) -> None:
    with context.database.transaction() as session:
        service = ApiTokenService(session, context.keys, limit=2)
        first = service.create(SYSTEM, _new(1))
        service.create(SYSTEM, _new(2))
        with pytest.raises(BadDataError, match="limit of 2"):
            service.create(SYSTEM, _new(3))
        service.delete(SYSTEM, first.token)
        service.create(SYSTEM, _new(4))
    assert counts(context)[0] == 2
