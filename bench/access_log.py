"""What one access log line costs, per option, in this process (no server, no network: the
machine's other load moves these figures far less than it moves req/s).

Run:  .venv/bin/python bench/access_log.py [lines]

Options, each writing JSON lines to a file as a service manager would take them:
- uvicorn's access log as Flagstaff configured it before: ``logger.info`` on the event loop, the
  JSON formatter and one write per line;
- ``core.access_log``: the line is made on the event loop from cached pieces and written with
  the others in one call per batch;
- the ASGI middleware that feeds it, against the same app without it.
Prints microseconds per request (best of five) and the ratio to uvicorn's.
"""

from __future__ import annotations

import asyncio
import logging
import sys
import tempfile
import time
from collections.abc import Callable
from typing import Any

from flagstaff.core.access_log import AccessLog, AccessLogMiddleware
from flagstaff.core.logs import JsonFormatter

SCOPE: dict[str, Any] = {
    "type": "http",
    "method": "GET",
    "path": "/api/client/features",
    "query_string": b"",
    "root_path": "",
    "client": ("127.0.0.1", 5555),
}


def best_of(lines: int, run: Callable[[], object], repeats: int = 5) -> float:
    timings = []
    for _ in range(repeats):
        started = time.perf_counter()
        run()
        timings.append((time.perf_counter() - started) / lines * 1e6)
    return min(timings)


def main() -> None:
    lines = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000
    with tempfile.NamedTemporaryFile("w", suffix=".log") as sink:
        logger = logging.getLogger("bench.uvicorn.access")
        handler = logging.StreamHandler(sink)
        handler.setFormatter(JsonFormatter())
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
        logger.propagate = False

        def uvicorn_style() -> None:
            for _ in range(lines):
                logger.info(
                    '%s - "%s %s HTTP/%s" %d',
                    "127.0.0.1:5555",
                    "GET",
                    "/api/client/features",
                    "1.1",
                    304,
                )

        log = AccessLog("json", sink)

        def add_and_write() -> None:
            for _ in range(lines):
                log.add(SCOPE, 304)
            log.flush()

        async def app(_scope: Any, _receive: Any, send: Any) -> None:
            await send({"type": "http.response.start", "status": 304, "headers": []})
            await send({"type": "http.response.body", "body": b""})

        middleware = AccessLogMiddleware(app, log)

        async def nothing(_message: Any = None) -> Any:
            return {}

        async def calls(target: Any) -> None:
            for _ in range(lines):
                await target(SCOPE, nothing, nothing)

        def bare() -> None:
            asyncio.run(calls(app))

        def wrapped() -> None:
            asyncio.run(calls(middleware))
            log.flush()

        uvicorn_cost = best_of(lines, uvicorn_style)
        total_cost = best_of(lines, add_and_write)
        bare_cost, wrapped_cost = best_of(lines, bare), best_of(lines, wrapped)
    middleware_cost = wrapped_cost - bare_cost
    print(f"{lines} lines, best of 5, microseconds per request")
    print(f"uvicorn access log (logger.info, JSON, a write each)  {uvicorn_cost:7.2f}   1.00")
    print(
        f"core.access_log: format + batched write               {total_cost:7.2f}"
        f"   {total_cost / uvicorn_cost:.2f}"
    )
    print(
        f"the ASGI middleware, line made on the loop, batched    {middleware_cost:7.2f}"
        f"   {middleware_cost / uvicorn_cost:.2f}"
    )


if __name__ == "__main__":
    main()
