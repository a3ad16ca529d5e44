"""``GET /internal-backstage/prometheus`` (Unleash's path): open by default, as in Unleash; with
``FLAGSTAFF_PROMETHEUS_REQUIRE_AUTH=true`` only for callers with the ADMIN permission (an admin
API token, or a personal or service-account token of an Admin)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response
from starlette.concurrency import run_in_threadpool

from flagstaff.http.deps import AdminDep, ContextDep
from flagstaff.metrics import tally
from flagstaff.metrics.exposition import CONTENT_TYPE, render

PATH = "/internal-backstage/prometheus"
RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"content": {CONTENT_TYPE: {"schema": {"type": "string"}}}}
}
DESCRIPTION = (
    "Flagstaff's metrics in Prometheus's text format: HTTP requests by route, Client API and "
    "token caches, revision lag, database pool, background jobs and SDK streams "
    "(docs/metrics.md)."
)


async def _scrape(context: ContextDep) -> Response:
    tally.flush()  # on the loop, where the pending updates are made
    text = await run_in_threadpool(render, context.database.engine)  # reads files: off the loop
    return Response(text, media_type=CONTENT_TYPE)


def router(*, require_auth: bool) -> APIRouter:
    """The open route goes on the public router; the guarded one among the authenticated."""
    routes = APIRouter(tags=["Metrics"])
    route = routes.get(
        PATH,
        operation_id="getPrometheusMetrics",
        response_class=Response,
        responses=RESPONSES,
        description=DESCRIPTION,
    )
    if require_auth:

        @route
        async def guarded(_: AdminDep, context: ContextDep) -> Response:
            return await _scrape(context)

    else:

        @route
        async def open_metrics(context: ContextDep) -> Response:
            return await _scrape(context)

    return routes
