"""Route matching in-process: FastAPI's own matching (the baseline) against the route gate.

Run: .venv/bin/python bench/route_matching.py [repetitions]
Builds the app on a throwaway SQLite database and, for a few paths from early to late in the route
table (and a 404), times how long finding the route takes: first asking every included router as
FastAPI does, then through flagstaff.core.route_gate. Prints microseconds per match and the ratio.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.routing import _IncludedRouter
from starlette.routing import BaseRoute, Match

from flagstaff.app import create_app
from flagstaff.config import Settings
from flagstaff.core.route_gate import GatedRouter

PATHS = (
    "/health",
    "/api/admin/user",
    "/api/admin/service-account",
    "/api/admin/projects/default/features/some-flag",
    "/api/admin/projects/default/features/some-flag/environments/production/strategies",
    "/no/such/page",
)


def ungated(route: BaseRoute) -> BaseRoute:
    if isinstance(route, GatedRouter):
        return _IncludedRouter(
            original_router=route.original_router, include_context=route.include_context
        )
    return route


def microseconds_per_match(routes: list[BaseRoute], path: str, repetitions: int) -> float:
    scope: dict[str, Any] = {"type": "http", "method": "GET", "path": path, "root_path": ""}
    started = time.perf_counter()
    for _ in range(repetitions):
        for route in routes:
            if route.matches(scope)[0] == Match.FULL:
                break
    return (time.perf_counter() - started) / repetitions * 1e6


def build_app(workdir: Path) -> FastAPI:
    settings = Settings(
        data_dir=workdir, database_url=f"sqlite:///{workdir}/bench.db", secret_key="b" * 64
    )
    return create_app(settings)


def main() -> int:
    repetitions = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    with tempfile.TemporaryDirectory() as workdir:
        app = build_app(Path(workdir))
        gated = list(app.router.routes)
        plain = [ungated(route) for route in gated]
        print(f"{len(gated)} top-level routes, {len(app.openapi()['paths'])} API paths")
        print(f"{'path':<80} {'FastAPI':>9} {'gated':>9} {'ratio':>7}")
        for path in PATHS:
            before = microseconds_per_match(plain, path, repetitions)
            after = microseconds_per_match(gated, path, repetitions)
            print(f"{path:<80} {before:7.1f}us {after:7.1f}us {before / after:6.1f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
