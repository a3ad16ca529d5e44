"""Wiring the SDK-facing APIs into an app: the fast-path middleware, the documented routes, the
Admin API's metrics views, the Frontend API and its CORS, Edge's token check, and the metrics
flusher's life."""

from __future__ import annotations

from fastapi import FastAPI

from flagstaff.applications.state import metrics_buffer
from flagstaff.client_api import asgi
from flagstaff.client_api.asgi import ClientApiMiddleware
from flagstaff.client_api.routes import admin_router, client_router
from flagstaff.client_api.state import client_api_state
from flagstaff.edge.routes import public_router as edge_router
from flagstaff.frontend_api.cors import FrontendCors
from flagstaff.frontend_api.routes import router as frontend_router
from flagstaff.http.context import AppContext

# The routes the fast path answers before routing, labelled for metrics (flagstaff.metrics) by
# the templates of their documented routes.
FAST_PATH_ROUTES: dict[tuple[str, str], str] = {
    **{(method, path): path for method, path in asgi.ROUTES},
    ("GET", asgi.STREAMING): asgi.STREAMING,
}
FAST_PATH_PREFIXES = (("GET", asgi.FEATURE_PREFIX, asgi.FEATURE_PREFIX + "{featureName}"),)


def install_sdk_apis(app: FastAPI, context: AppContext) -> None:
    """Call before the API guard is added, so that the guard (body limit, content type) wraps
    the fast path too."""
    client_api_state(context)
    app.include_router(client_router)
    app.include_router(frontend_router)
    app.include_router(admin_router)
    # Public, as Unleash's: Edge asks without credentials, and learns only about the tokens
    # whose secrets it sent.
    app.include_router(edge_router)
    app.add_middleware(ClientApiMiddleware, context=context)


def install_frontend_cors(app: FastAPI, context: AppContext) -> None:
    """Call after the API guard is added: CORS must wrap the guard, or a browser could not read
    the guard's 413 and 415 answers to the Frontend API."""
    app.add_middleware(FrontendCors, context=context)


def start(context: AppContext) -> None:
    metrics_buffer(context).start()


def stop(context: AppContext) -> None:
    metrics_buffer(context).stop()
