"""What the request metrics middleware (``metrics.requests``) adds to a request, in this process
(no server, no network), in microseconds per request, best of five.

Run:  .venv/bin/python bench/request_metrics.py [requests]

Each case sends the same 304 from a bare ASGI app, once wrapped and once not:
- a Client API fast-path request (labelled from the fixed paths: no routing to read);
- a request routing has labelled (``RouteMarker`` inside, the app sets ``scope["route"]`` as
  FastAPI does), so the cost of the marker is in the figure;
- the access log's middleware alone, then the metrics middleware writing the same access log
  lines: what metrics add to a server that logs (the default).
Updates are tallied on the loop and flushed at the end (``metrics.tally``), as in the server.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
import time
from collections.abc import Callable
from typing import Any

from flagstaff.core.access_log import AccessLog, AccessLogMiddleware
from flagstaff.metrics import tally
from flagstaff.metrics.requests import RequestMetrics, RouteMarker


class _Route:
    path_format = "/api/admin/projects/{projectId}"


ROUTE = _Route()
FAST = {("GET", "/api/client/features"): "/api/client/features"}


def _scope(path: str) -> dict[str, Any]:
    return {
        "type": "http",
        "method": "GET",
        "path": path,
        "query_string": b"",
        "root_path": "",
        "headers": [],
        "client": ("127.0.0.1", 5555),
    }


async def answer(_scope: Any, _receive: Any, send: Any) -> None:
    await send({"type": "http.response.start", "status": 304, "headers": []})
    await send({"type": "http.response.body", "body": b""})


async def routed_answer(scope: Any, receive: Any, send: Any) -> None:
    scope["route"] = ROUTE
    await answer(scope, receive, send)


async def nothing(_message: Any = None) -> Any:
    return {}


def best_of(requests: int, run: Callable[[], object], repeats: int = 5) -> float:
    timings = []
    for _ in range(repeats):
        started = time.perf_counter()
        run()
        timings.append((time.perf_counter() - started) / requests * 1e6)
    return min(timings)


def per_request(
    requests: int, app: Any, path: str, after: Callable[[], None] = lambda: None
) -> float:
    async def calls() -> None:
        tally.bind_to_running_loop()  # as the server's lifespan does
        for _ in range(requests):
            await app(_scope(path), nothing, nothing)
        tally.unbind()  # the flush of what was tallied is in the figure

    def run() -> None:
        asyncio.run(calls())
        after()

    return best_of(requests, run)


def main() -> None:
    requests = int(sys.argv[1]) if len(sys.argv) > 1 else 50_000
    fast_path, admin_path = "/api/client/features", "/api/admin/projects/default"
    bare = per_request(requests, answer, fast_path)
    bare_routed = per_request(requests, routed_answer, admin_path)
    fast = per_request(requests, RequestMetrics(answer, fixed=FAST), fast_path)
    routed = per_request(
        requests, RequestMetrics(RouteMarker(routed_answer), fixed=FAST), admin_path
    )
    with tempfile.NamedTemporaryFile("w", suffix=".log") as sink:
        log = AccessLog("json", sink)
        logged = per_request(requests, AccessLogMiddleware(answer, log), fast_path, log.flush)
        both = per_request(
            requests,
            RequestMetrics(answer, fixed=FAST, on_response=log.add),
            fast_path,
            log.flush,
        )
    print(f"{requests} requests, best of 5, microseconds per request")
    print(f"metrics, Client API fast path          {fast - bare:6.2f}")
    print(f"metrics, a routed request (+ marker)   {routed - bare_routed:6.2f}")
    print(f"access log middleware alone            {logged - bare:6.2f}")
    print(f"metrics + access log in one middleware {both - bare:6.2f}")
    print(f"  so metrics add to a logging server   {both - logged:6.2f}")


if __name__ == "__main__":
    main()
