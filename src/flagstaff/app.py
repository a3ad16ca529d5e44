"""``create_app(settings)``: routers, error handlers, middleware and the process lifecycle."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Literal

from fastapi import APIRouter, Depends, FastAPI
from fastapi.responses import JSONResponse
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from starlette.routing import Route

from flagstaff import __version__
from flagstaff.accounts import login_routes as auth_routes
from flagstaff.accounts import routes as accounts_routes
from flagstaff.addons import routes as addons_routes
from flagstaff.addons.state import deliverer
from flagstaff.applications import routes as applications_routes
from flagstaff.config import Settings
from flagstaff.core import draining, http_errors
from flagstaff.core.access_log import AccessLog
from flagstaff.core.access_log import enabled as access_log_enabled
from flagstaff.core.route_gate import gate_included_routers
from flagstaff.core.routing import ApiGuard, StateHeaders
from flagstaff.core.schemas import WireModel, answers
from flagstaff.credentials import leak_routes
from flagstaff.credentials.account_tokens import admin_routes as token_admin_routes
from flagstaff.credentials.account_tokens import routes as tokens_routes
from flagstaff.credentials.api_tokens import routes as api_tokens_routes
from flagstaff.credentials.federation import exchange_routes
from flagstaff.credentials.federation import routes as trust_policy_routes
from flagstaff.edge import routes as edge_routes
from flagstaff.events import routes as events_routes
from flagstaff.flags.favorites import routes as favorites_routes
from flagstaff.flags.paths import EncodedSlashes
from flagstaff.flags.routes import ROUTERS as FLAG_ROUTERS
from flagstaff.http import openapi
from flagstaff.http.context import AppContext
from flagstaff.http.deps import ContextDep, resolve_principal
from flagstaff.http.no_store import NoStore
from flagstaff.inactive_users import routes as inactive_routes
from flagstaff.instance import routes as instance_routes
from flagstaff.instance_stats import routes as instance_stats_routes
from flagstaff.maintenance import routes as maintenance_routes
from flagstaff.metrics import exposition, tally
from flagstaff.metrics import routes as metrics_routes
from flagstaff.metrics.requests import RequestMetrics, RouteMarker
from flagstaff.playground import routes as playground_routes
from flagstaff.provisioning import routes as provisioning_routes
from flagstaff.roles import routes as rbac_routes
from flagstaff.service_accounts import routes as service_accounts_routes
from flagstaff.startup import sdk_apis
from flagstaff.transfer import routes as transfer_routes
from flagstaff.web import routes as web_routes
from flagstaff.web.static import static_files
from flagstaff.web.unleash_ui import UnleashUi

log = logging.getLogger(__name__)

JSON_API_PREFIXES = ("/api/", "/auth/")


class Health(WireModel):
    health: Literal["GOOD", "BAD"]


def public_router(settings: Settings) -> APIRouter:
    """The one router whose routes need no credential. Keep it short."""
    router = APIRouter(tags=["Public"])

    @router.get("/health", operation_id="getHealth", responses=answers(Health))
    def health() -> dict[str, str]:
        return {"health": "GOOD"}

    @router.get(
        "/ready",
        operation_id="getReady",
        responses={
            **answers(Health),
            503: {"model": Health, "description": "The database did not answer: BAD."},
        },
    )
    def ready(context: ContextDep) -> JSONResponse:
        # Unlike /health, readiness asks the database: a load balancer should not send
        # traffic to a process that cannot reach it.
        try:
            with context.database.engine.connect() as connection:
                connection.execute(text("SELECT 1"))
        except SQLAlchemyError:
            log.warning("readiness check: the database did not answer")
            return JSONResponse({"health": "BAD"}, status_code=503)
        return JSONResponse({"health": "GOOD"})

    router.include_router(auth_routes.router)
    router.include_router(leak_routes.router)  # leaked secrets, reported by anyone
    router.include_router(exchange_routes.router)  # the ID token is the credential
    router.include_router(web_routes.public_router)  # the login page; static files are mounted
    if not settings.prometheus_require_auth:
        router.include_router(metrics_routes.router(require_auth=False))  # open, as Unleash's
    return router


def authenticated_routers(settings: Settings) -> list[APIRouter]:
    """Everything else: a credential is resolved before any route runs."""
    routers: list[APIRouter] = []
    if settings.prometheus_require_auth:
        routers.append(metrics_routes.router(require_auth=True))
    for module in (
        inactive_routes,  # before accounts_routes: /user-admin/{id} would match 'inactive'
        accounts_routes,
        rbac_routes,
        events_routes,
        tokens_routes,
        token_admin_routes,
        service_accounts_routes,
        trust_policy_routes,
        provisioning_routes,
        api_tokens_routes,
        instance_routes,
        maintenance_routes,
        applications_routes,
        playground_routes,
        edge_routes,
        transfer_routes,
        favorites_routes,
        instance_stats_routes,
        addons_routes,
    ):
        routers.append(module.router)
    routers.extend(FLAG_ROUTERS)
    # Pages: a session is resolved as for the API; flagstaff.web turns its absence into a
    # redirect to /login and refuses tokens.
    routers.append(web_routes.pages_router())
    return routers


def create_app(
    settings: Settings | None = None,
    context: AppContext | None = None,
    *,
    access_log: AccessLog | None = None,
) -> FastAPI:
    """``access_log``: where to write a line per request (``flagstaff serve`` passes one)."""
    settings = settings or Settings()
    context = context or AppContext.build(settings)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        draining.drain_on_signals()  # open streams must not hold up a graceful shutdown
        if access_log is not None:
            access_log.start()
        tally.bind_to_running_loop()
        context.watcher.start()
        context.seen.start()
        context.token_jobs.start()
        sdk_apis.start(context)
        deliverer(context).start()  # webhooks: never inline, always from the outbox
        try:
            yield
        finally:
            deliverer(context).stop()
            tally.unbind()
            exposition.process_exited()
            sdk_apis.stop(context)
            context.token_jobs.stop()
            context.seen.stop()
            context.watcher.stop()
            context.database.dispose()
            if access_log is not None:
                access_log.stop()

    app = FastAPI(
        title="Flagstaff",
        version=__version__,
        description="A feature-flag server that speaks Unleash's HTTP API. Text values never "
        "contain NUL (U+0000): a request with one is refused with 400.",
        lifespan=lifespan,
        docs_url="/docs",
        redoc_url=None,
        openapi_url="/docs/openapi.json",  # Unleash's path
        # FastAPI's OpenTelemetry hook reads the environment on every request to see whether
        # it is wanted; it is not (Prometheus metrics are the plan), and the SDK hot path is
        # measured in microseconds.
        telemetry={"tracing": False, "metrics": False, "logs": False},
    )
    app.state.context = context
    http_errors.install(app)
    app.include_router(public_router(settings))
    # Included one by one rather than through a parent router: FastAPI matches nested routers
    # level by level on every request, which cost more than the rest of a cached read.
    authenticated = [Depends(resolve_principal)]
    for router in authenticated_routers(settings):
        app.include_router(router, dependencies=authenticated)
    # Innermost, added first: shows RequestMetrics the scope that routing fills in (inside the
    # Client API's fast path, whose answers never reach routing).
    app.add_middleware(RouteMarker)
    sdk_apis.install_sdk_apis(app, context)
    app.mount("/static", static_files(), name="static")
    app.add_middleware(
        ApiGuard,
        max_body_bytes=settings.max_body_bytes,
        json_prefixes=JSON_API_PREFIXES,
        form_paths=(exchange_routes.PATH,),  # RFC 8693 asks for a form; JSON is taken too
    )
    sdk_apis.install_frontend_cors(app, context)
    app.add_middleware(StateHeaders)
    app.add_middleware(NoStore)
    # Flag names with '/' arrive as %2F; keep them one path segment (flagstaff.flags.paths).
    app.add_middleware(EncodedSlashes)
    if settings.unleash_ui_dir is not None:
        # Outside the others but the metrics: the UI's calls to the server reach them with the
        # prefix stripped.
        app.add_middleware(UnleashUi, directory=settings.unleash_ui_dir)
    # Outermost: sees every request, the Client API's fast path included, and writes the
    # access log's line (core.access_log) from the same wrapped ``send``.
    app.add_middleware(
        RequestMetrics,
        fixed={**sdk_apis.FAST_PATH_ROUTES, **_plain_routes(app)},
        prefixed=sdk_apis.FAST_PATH_PREFIXES,
        on_response=access_log.add if access_log is not None else None,
    )
    gate_included_routers(app)
    openapi.install(app, json_prefixes=JSON_API_PREFIXES)
    return app


def _plain_routes(app: FastAPI) -> dict[tuple[str, str], str]:
    """Starlette's own routes (the documentation pages), which FastAPI's routing does not name
    in the scope: labelled by their paths, which have no parameters."""
    return {
        (method, route.path): route.path
        for route in app.router.routes
        if type(route) is Route and "{" not in route.path
        for method in route.methods or ()
    }


def create_app_from_env() -> FastAPI:
    """The factory uvicorn's workers call: each process builds its own context, and writes its
    own access log (``core.access_log``) when the log level is info or debug."""
    settings = Settings()
    log = AccessLog(settings.log_format) if access_log_enabled(settings.log_level) else None
    return create_app(settings, access_log=log)
