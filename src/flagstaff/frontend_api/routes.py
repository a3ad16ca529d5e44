"""The Frontend API: ``GET|POST /api/frontend`` evaluates the token's flags for a context on
the server and returns the enabled ones; ``POST /api/frontend/client/metrics`` and
``/client/register`` take what browser SDKs report. Frontend tokens only."""

from __future__ import annotations

import hashlib
from typing import Annotated, Any

import orjson
from fastapi import APIRouter, Depends, Request, Response
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool

from flagstaff.applications.reports import METRICS, REGISTRATION
from flagstaff.applications.state import metrics_buffer
from flagstaff.client_api.handlers import etag_matches
from flagstaff.client_api.sdk import sdk_principal, validation_reply
from flagstaff.core.errors import BadDataError
from flagstaff.core.schemas import answers
from flagstaff.frontend_api import context as evaluation
from flagstaff.frontend_api.engine import engines
from flagstaff.frontend_api.schemas import FrontendApiFeaturesSchema
from flagstaff.http.context import AppContext
from flagstaff.http.deps import client_ip
from flagstaff.rbac.principal import ApiTokenScope

router = APIRouter(tags=["Frontend API"])

RESPONSES: dict[int | str, dict[str, Any]] = {
    304: {"description": "Not modified since the ETag given"},
    400: {"description": "The request does not match the schema."},
    401: {"description": "No API token, or an unknown or expired one."},
    403: {"description": "A token of another kind (client, admin, account token)."},
}


async def frontend_token(request: Request) -> ApiTokenScope:
    context: AppContext = request.app.state.context
    principal = await sdk_principal(context, request.headers.get("authorization"), "frontend")
    assert principal.api_scope is not None
    return principal.api_scope


FEATURES_RESPONSES = {**answers(FrontendApiFeaturesSchema), **RESPONSES}

TokenDep = Annotated[ApiTokenScope, Depends(frontend_token)]


async def _features(request: Request, token: ApiTokenScope, data: dict[str, Any]) -> Response:
    app_context: AppContext = request.app.state.context
    context = evaluation.build(data, client_ip(request, app_context))

    def evaluate() -> list[dict[str, Any]]:
        engine = engines(app_context).for_scope(token.projects, token.environment)
        return engine.evaluate(context)

    body = orjson.dumps({"toggles": await run_in_threadpool(evaluate)})
    etag = f'W/"{hashlib.blake2b(body, digest_size=12).hexdigest()}"'
    headers = {"ETag": etag, "Cache-Control": "no-cache"}
    if_none_match = request.headers.get("if-none-match")
    if if_none_match and etag_matches(if_none_match.encode(), etag[2:]):
        return Response(status_code=304, headers=headers)
    return Response(body, media_type="application/json", headers=headers)


@router.get("/api/frontend", operation_id="getFrontendFeatures", responses=FEATURES_RESPONSES)
async def get_frontend_features(request: Request, token: TokenDep) -> Response:
    """Context from query parameters: ``userId=…&properties[tenant]=…``."""
    return await _features(
        request, token, evaluation.from_pairs(request.query_params.multi_items())
    )


@router.post(
    "/api/frontend",
    operation_id="getFrontendApiFeaturesWithPost",
    responses=FEATURES_RESPONSES,
)
async def post_frontend_features(request: Request, token: TokenDep) -> Response:
    """Context in the body: ``{"context": {"userId": …, "properties": {…}}}``."""
    raw = await request.body()
    try:
        body = orjson.loads(raw) if raw else {}
    except orjson.JSONDecodeError:
        raise BadDataError("The request body is not valid JSON.") from None
    if not isinstance(body, dict):
        raise BadDataError('The request body must be an object: {"context": {...}}.')
    data = body.get("context", {})
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise BadDataError("The `/body/context` property must be an object.")
    return await _features(request, token, data)


@router.post(
    "/api/frontend/client/metrics", operation_id="registerFrontendMetrics", responses=RESPONSES
)
async def register_frontend_metrics(request: Request, token: TokenDep) -> Response:
    try:
        body = METRICS.validate_json(await request.body())
    except ValidationError as error:
        reply = validation_reply(error)
        return Response(reply.body, status_code=reply.status, media_type="application/json")
    metrics_buffer(request.app.state.context).add_metrics(body, token.environment)
    return Response(status_code=200)


@router.post(
    "/api/frontend/client/register", operation_id="registerFrontendClient", responses=RESPONSES
)
async def register_frontend_client(request: Request, token: TokenDep) -> Response:
    """A browser SDK announcing itself (frontendApiClientSchema). Filed under the token's
    environment and written with the next metrics batch; 200 as Unleash answers."""
    try:
        body = REGISTRATION.validate_json(await request.body())
    except ValidationError as error:
        reply = validation_reply(error)
        return Response(reply.body, status_code=reply.status, media_type="application/json")
    metrics_buffer(request.app.state.context).add_registration(body, token.environment)
    return Response(status_code=200)
