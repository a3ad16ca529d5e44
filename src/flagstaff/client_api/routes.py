"""The Client API as FastAPI sees it (so it is in the OpenAPI document; requests are answered
by ``ClientApiMiddleware`` first, through the same handlers), and the Admin API's view of the
metrics SDKs sent."""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Path, Request, Response
from sqlalchemy import select
from starlette.types import Receive, Scope, Send

from flagstaff.applications.state import metrics_buffer
from flagstaff.client_api import handlers
from flagstaff.client_api.asgi import serve_stream
from flagstaff.client_api.schemas import (
    ClientFeatureSchema,
    ClientFeaturesDeltaSchema,
    ClientFeaturesSchema,
)
from flagstaff.client_api.sdk import Reply, SdkRequest, error_reply, sdk_principal
from flagstaff.core.db import utcnow
from flagstaff.core.errors import FlagstaffError, NotFoundError
from flagstaff.core.routing import TransactionalRoute
from flagstaff.core.schemas import answers, iso
from flagstaff.flags.features.models import Feature
from flagstaff.flags.metrics.models import ClientMetric, ClientMetricVariant
from flagstaff.flags.metrics.schemas import FeatureMetricsSchema, FeatureUsageSchema
from flagstaff.http.context import AppContext
from flagstaff.http.deps import ContextDep, PrincipalDep, SessionDep
from flagstaff.rbac.principal import ApiTokenScope

client_router = APIRouter(tags=["Client"])
admin_router = APIRouter(route_class=TransactionalRoute, tags=["Metrics"])

SDK_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: {"description": "The request does not match the schema."},
    401: {"description": "No API token, or an unknown or expired one."},
    403: {"description": "A token of another kind (frontend, admin, account token)."},
}
# What SDKs report: answered 202 with no body (and no Content-Type).
ACCEPTED: dict[int | str, dict[str, Any]] = {
    202: {"description": "Accepted: counted in memory, written with the next batch. No body."},
    **SDK_RESPONSES,
}
RAW_WINDOW = timedelta(hours=48)
FeatureName = Annotated[str, Path(max_length=255)]


async def _answer(request: Request, handler: handlers.Handler) -> Response:
    context: AppContext = request.app.state.context
    try:
        principal = await sdk_principal(context, request.headers.get("authorization"), "client")
        assert principal.api_scope is not None
        sdk_request = SdkRequest(
            request.method,
            request.url.path,
            dict(request.headers.raw),
            request.url.query.encode(),
            await request.body(),
            request.client.host if request.client else None,
        )
        reply = await handler(context, principal.api_scope, sdk_request)
    except FlagstaffError as error:
        reply = error_reply(error)
    return _response(reply)


def _response(reply: Reply) -> Response:
    response = Response(reply.body, status_code=reply.status)
    for name, value in reply.headers:
        response.headers[name.decode()] = value.decode("latin-1")
    return response


@client_router.get(
    "/api/client/features",
    operation_id="getAllClientFeatures",
    responses={
        **answers(ClientFeaturesSchema),
        304: {"description": "Not modified since the ETag given"},
        **SDK_RESPONSES,
    },
)
async def get_all_client_features(request: Request) -> Response:
    """The flags of the token's projects in its environment, for local evaluation."""
    return await _answer(request, handlers.get_features)


@client_router.get(
    "/api/client/delta",
    operation_id="getDelta",
    responses={
        **answers(ClientFeaturesDeltaSchema),
        304: {"description": "Nothing changed since the revision given"},
        **SDK_RESPONSES,
    },
)
async def get_delta(request: Request) -> Response:
    """What changed in the token's scope since the revision in ``If-None-Match`` (the ``ETag``
    of the previous answer): ``{events: [...]}`` with ``feature-updated``, ``feature-removed``,
    ``segment-updated`` and ``segment-removed`` events, or one ``hydration`` event with the whole
    state when no revision is given or it is no longer known."""
    return await _answer(request, handlers.get_delta)


class _EventStream(Response):
    """Hands the connection to the stream itself (``client_api.asgi.serve_stream``)."""

    def __init__(self, context: AppContext) -> None:
        super().__init__()
        self.context = context

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await serve_stream(self.context, scope, receive, send)


@client_router.get(
    "/api/client/streaming",
    operation_id="connect",
    response_class=Response,
    responses={
        200: {
            "description": "Server-sent events: `unleash-connected` with the whole state, "
            "then `unleash-updated` with each change, both in the delta format",
            "content": {"text/event-stream": {"schema": {"type": "string"}}},
        },
        429: {"description": "This process has as many streams as it allows: poll instead"},
        **SDK_RESPONSES,
    },
)
async def connect(request: Request) -> Response:
    """Flag changes pushed as they happen, for SDKs started in streaming mode."""
    return _EventStream(request.app.state.context)


@client_router.get(
    "/api/client/features/{featureName}",
    operation_id="getClientFeature",
    responses={
        **answers(ClientFeatureSchema),
        404: {"description": "No such flag in scope"},
        **SDK_RESPONSES,
    },
)
async def get_client_feature(
    request: Request, feature_name: Annotated[str, Path(alias="featureName")]
) -> Response:
    async def one(c: AppContext, t: ApiTokenScope, r: SdkRequest) -> Reply:
        return await handlers.get_feature(c, t, r, feature_name)

    return await _answer(request, one)


@client_router.post(
    "/api/client/metrics",
    operation_id="registerClientMetrics",
    status_code=202,
    response_class=Response,
    responses=ACCEPTED,
)
async def register_client_metrics(request: Request) -> Response:
    """Evaluation counts (clientMetricsSchema); aggregated in memory and written in batches."""
    return await _answer(request, handlers.post_metrics)


@client_router.post(
    "/api/client/metrics/bulk",
    operation_id="clientBulkMetrics",
    status_code=202,
    response_class=Response,
    responses=ACCEPTED,
)
async def client_bulk_metrics(request: Request) -> Response:
    """What Unleash Edge gathered from its SDKs (bulkMetricsSchema): registrations and hourly
    counts; only those of the token's environment are kept."""
    return await _answer(request, handlers.post_bulk_metrics)


@client_router.post(
    "/api/client/register",
    operation_id="registerClientApplication",
    status_code=202,
    response_class=Response,
    responses=ACCEPTED,
)
async def register_client_application(request: Request) -> Response:
    """An SDK instance announcing itself (clientApplicationSchema)."""
    return await _answer(request, handlers.post_register)


def _existing(db: SessionDep, name: str) -> str:
    if db.get(Feature, name) is None:
        raise NotFoundError(f"Could not find feature flag {name}")
    return name


@admin_router.get(
    "/api/admin/client-metrics/features/{name}/raw",
    operation_id="getRawFeatureMetrics",
    responses=answers(FeatureMetricsSchema),
)
def get_raw_feature_metrics(
    name: FeatureName, _: PrincipalDep, db: SessionDep, context: ContextDep
) -> dict[str, Any]:
    """Hourly counts of the last 48 hours, as SDKs reported them (this process's pending
    counts are written first; other processes' arrive within their flush interval)."""
    metrics_buffer(context).safe_flush()
    name = _existing(db, name)
    since = utcnow() - RAW_WINDOW
    rows = db.scalars(
        select(ClientMetric)
        .where(ClientMetric.feature_name == name, ClientMetric.timestamp >= since)
        .order_by(ClientMetric.timestamp, ClientMetric.app_name, ClientMetric.environment)
    ).all()
    variants: dict[tuple[str, str, Any], dict[str, int]] = defaultdict(dict)
    for variant in db.scalars(
        select(ClientMetricVariant).where(
            ClientMetricVariant.feature_name == name, ClientMetricVariant.timestamp >= since
        )
    ):
        key = (variant.app_name, variant.environment, variant.timestamp)
        variants[key][variant.variant] = variant.count
    data = []
    for row in rows:
        entry: dict[str, Any] = {
            "featureName": row.feature_name,
            "appName": row.app_name,
            "environment": row.environment,
            "timestamp": iso(row.timestamp),
            "yes": row.yes,
            "no": row.no,
        }
        found = variants.get((row.app_name, row.environment, row.timestamp))
        if found:
            entry["variants"] = found
        data.append(entry)
    return {"version": 1, "maturity": "stable", "data": data}


@admin_router.get(
    "/api/admin/client-metrics/features/{name}",
    operation_id="getFeatureUsageSummary",
    responses=answers(FeatureUsageSchema),
)
def get_feature_usage_summary(
    name: FeatureName, _: PrincipalDep, db: SessionDep, context: ContextDep
) -> dict[str, Any]:
    metrics_buffer(context).safe_flush()
    name = _existing(db, name)
    hour = utcnow().replace(minute=0, second=0, microsecond=0)
    rows = db.scalars(
        select(ClientMetric).where(
            ClientMetric.feature_name == name, ClientMetric.timestamp >= hour - RAW_WINDOW
        )
    ).all()
    last_hour: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for row in rows:
        if row.timestamp >= hour:
            last_hour[row.environment][0] += row.yes
            last_hour[row.environment][1] += row.no
    return {
        "version": 1,
        "maturity": "stable",
        "featureName": name,
        "lastHourUsage": [
            {"environment": env, "timestamp": iso(hour), "yes": yes, "no": no}
            for env, (yes, no) in sorted(last_hour.items())
        ],
        "seenApplications": sorted({row.app_name for row in rows}),
    }
