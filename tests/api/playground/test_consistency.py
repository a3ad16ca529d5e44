"""The playground reads its payload and its snapshot of strategies at the same revision: an older
cached payload is not used, and a payload that keeps disagreeing is a clear error."""

from __future__ import annotations

from dataclasses import replace

import pytest
from fastapi.testclient import TestClient

from flagstaff.client_api.payload import Payload, Scope, build
from flagstaff.core.errors import ConflictError
from flagstaff.http.context import AppContext
from flagstaff.playground import service as playground_service
from flagstaff.playground.context import CheckedContext
from flagstaff.playground.evaluator import EnvironmentEvaluator, StalePayloadError
from flagstaff.playground.service import PlaygroundService
from flagstaff.playground.snapshot import StrategyRow
from tests.api.flags.support import add_strategy, create_flag
from tests.api.playground.support import turn_on

SCOPE = Scope(("*",), "development", inline_segments=False)
APP = CheckedContext({"appName": "test"}, [])


def test_older_cached_payload__not_used(admin_client: TestClient, context: AppContext) -> None:
    create_flag(admin_client, "late")
    add_strategy(admin_client, "late")
    stale = build(context.database, SCOPE)
    turn_on(admin_client, "late")
    service = PlaygroundService(context.database, lambda scope: stale)
    [flag] = [f for f in service.evaluate(None, "development", APP) if f["name"] == "late"]
    assert flag["isEnabled"] is True


def test_payload_never_matching__conflict(
    admin_client: TestClient, context: AppContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    create_flag(admin_client, "any")

    def behind(database: object, scope: Scope) -> Payload:
        payload = build(context.database, scope)
        return replace(payload, revision=payload.revision - 1)

    monkeypatch.setattr(playground_service, "build", behind)
    with pytest.raises(ConflictError):
        PlaygroundService(context.database).evaluate(None, "development", APP)


def test_strategies_disagreeing_with_payload__stale() -> None:
    body = (
        b'{"version":2,"features":[{"name":"f","enabled":true,"project":"default",'
        b'"strategies":[{"name":"default","parameters":{},"constraints":[]}],"variants":[]}],'
        b'"segments":[]}'
    )
    row = StrategyRow("id", "default", None, False, {}, [], [])
    EnvironmentEvaluator("development", body, {"f": [row]}, {}, None)
    with pytest.raises(StalePayloadError):
        EnvironmentEvaluator("development", body, {"f": []}, {}, None)
    with pytest.raises(StalePayloadError):
        EnvironmentEvaluator("development", body, {"f": [replace(row, disabled=True)]}, {}, None)
