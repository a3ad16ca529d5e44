"""``RequestMetrics`` on its own: the labels of requests that routing does not name, the 500 of
an app that raises, and the access log's call, made once per response as before."""

from __future__ import annotations

import asyncio
import io
import uuid

import pytest
from prometheus_client import REGISTRY
from starlette.types import Message, Receive, Scope, Send

from flagstaff.core.access_log import AccessLog
from flagstaff.metrics.requests import UNMATCHED, RequestMetrics, RouteMarker

pytestmark = pytest.mark.engine_independent


def _count(route: str, method: str, status: str) -> float:
    labels = {"route": route, "method": method, "status": status}
    return REGISTRY.get_sample_value("flagstaff_http_requests_total", labels) or 0.0


def _scope(method: str, path: str) -> Scope:
    return {"type": "http", "method": method, "path": path, "headers": [], "query_string": b""}


async def _answer(scope: Scope, receive: Receive, send: Send) -> None:
    await send({"type": "http.response.start", "status": 204, "headers": []})
    await send({"type": "http.response.body", "body": b""})


async def _fails(scope: Scope, receive: Receive, send: Send) -> None:
    raise RuntimeError("boom")


def _run(app: RequestMetrics, scope: Scope) -> list[Message]:
    sent: list[Message] = []

    async def receive() -> Message:
        return {"type": "http.request", "body": b""}

    async def send(message: Message) -> None:
        sent.append(message)

    asyncio.run(app(scope, receive, send))
    return sent


def test_fast_path__fixed_and_prefixed_routes__labelled_by_their_templates() -> None:
    app = RequestMetrics(
        _answer,
        fixed={("POST", "/sdk/ping"): "/sdk/ping"},
        prefixed=[("GET", "/sdk/things/", "/sdk/things/{name}")],
    )
    before = (_count("/sdk/ping", "POST", "204"), _count("/sdk/things/{name}", "GET", "204"))
    unmatched = _count(UNMATCHED, "GET", "204")

    _run(app, _scope("POST", "/sdk/ping"))
    _run(app, _scope("GET", f"/sdk/things/{uuid.uuid4().hex}"))
    _run(app, _scope("GET", "/sdk/things/"))  # the prefix alone names nothing

    after = (_count("/sdk/ping", "POST", "204"), _count("/sdk/things/{name}", "GET", "204"))
    assert (after[0] - before[0], after[1] - before[1]) == (1, 1)
    assert _count(UNMATCHED, "GET", "204") - unmatched == 1


def test_routed__no_route_found__unmatched_whatever_the_path() -> None:
    app = RequestMetrics(RouteMarker(_answer), fixed={("GET", "/sdk/ping"): "/sdk/ping"})
    before = _count(UNMATCHED, "PUT", "204")

    _run(app, _scope("PUT", f"/{uuid.uuid4().hex}"))

    assert _count(UNMATCHED, "PUT", "204") - before == 1


def test_app_raises__counted_as_500_and_raised() -> None:
    app = RequestMetrics(_fails)
    before = _count(UNMATCHED, "OTHER", "500")

    with pytest.raises(RuntimeError):
        _run(app, _scope("BREW", "/pot"))

    assert _count(UNMATCHED, "OTHER", "500") - before == 1


def test_access_log__one_line_per_response__as_its_own_middleware_wrote() -> None:
    stream = io.StringIO()
    log = AccessLog("logfmt", stream)
    app = RequestMetrics(RouteMarker(_answer), on_response=log.add)

    sent = _run(app, _scope("GET", "/api/admin/projects"))
    log.flush()

    assert [m["type"] for m in sent] == ["http.response.start", "http.response.body"]
    lines = stream.getvalue().splitlines()
    assert len(lines) == 1
    assert " method=GET path=/api/admin/projects status=204 client=-" in lines[0]
