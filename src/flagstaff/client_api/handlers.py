"""The Client API (backend SDKs): ``GET /api/client/features[/{name}]``, ``GET
/api/client/delta``, ``POST
/api/client/metrics``, ``POST /api/client/metrics/bulk`` (Unleash Edge) and ``POST
/api/client/register``. Each takes an ``SdkRequest`` and gives
a ``Reply``: the ASGI fast path and the documented FastAPI routes both call these."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from functools import lru_cache
from urllib.parse import parse_qs

import orjson
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool

from flagstaff.applications.reports import BULK_METRICS, METRICS, REGISTRATION
from flagstaff.applications.state import metrics_buffer
from flagstaff.client_api.delta import changes, delta_body, parse_revision
from flagstaff.client_api.payload import ALL_PROJECTS, JSON_TYPE, Payload, Scope
from flagstaff.client_api.sdk import Reply, SdkRequest, error_reply, json_reply, validation_reply
from flagstaff.client_api.state import client_api_state
from flagstaff.core.errors import BadDataError, FlagstaffError, NotFoundError
from flagstaff.http.context import AppContext
from flagstaff.metrics import tally
from flagstaff.metrics.instruments import (
    PAYLOAD_BYTES_GZIP,
    PAYLOAD_BYTES_IDENTITY,
    PAYLOAD_CACHE_HIT,
    PAYLOAD_CACHE_MISS,
)
from flagstaff.rbac.principal import ApiTokenScope

SPEC_HEADER = b"unleash-client-spec"
SEGMENTS_SPEC = (4, 2, 0)  # from this client specification on, SDKs resolve segments themselves
SEMVER = re.compile(
    r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)"
    r"(?:-([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?(?:\+[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?$"
)
MAX_PREFIX = 255
ACCEPTED = Reply(202)
Handler = Callable[[AppContext, ApiTokenScope, SdkRequest], Awaitable[Reply]]


@lru_cache(maxsize=256)
def supports_segments(spec: str | None) -> bool:
    """Unleash's rule: no header means an old SDK; a header that is not a semantic version
    is refused."""
    if not spec:
        return False
    match = SEMVER.match(spec)
    if match is None:
        problem = "prefix" if not spec[:1].isdigit() else "SemVer"
        raise BadDataError(f'Invalid {problem} in the Unleash-Client-Spec header: "{spec}".')
    version = (int(match.group(1)), int(match.group(2)), int(match.group(3)))
    prerelease = match.group(4) is not None
    return version > SEGMENTS_SPEC or (version == SEGMENTS_SPEC and not prerelease)


def scope_for(token: ApiTokenScope, request: SdkRequest, *, inline: bool) -> Scope:
    projects = token.projects
    prefix = None
    if request.query_string:
        query = parse_qs(request.query_string.decode("latin-1"))
        wanted = tuple(sorted(set(query.get("project", []))))
        if wanted and projects == (ALL_PROJECTS,):
            projects = wanted  # a filter narrows an all-projects token, never widens a token
        prefix = next(iter(query.get("namePrefix", [])), None) or None
        if prefix is not None and len(prefix) > MAX_PREFIX:
            raise BadDataError(f"namePrefix is longer than {MAX_PREFIX} characters.")
    return Scope(projects, token.environment, inline, prefix)


async def payload_for(context: AppContext, scope: Scope) -> Payload:
    payloads = client_api_state(context).payloads
    cached = payloads.get(scope)
    if cached is not None:
        tally.inc(PAYLOAD_CACHE_HIT)
        return cached
    tally.inc(PAYLOAD_CACHE_MISS)
    return await run_in_threadpool(payloads.get_or_build, scope)


def etag_matches(if_none_match: bytes, etag: str) -> bool:
    wanted = etag.encode()
    if if_none_match == wanted:
        return True  # what SDKs send: the ETag they were given, alone
    for candidate in if_none_match.split(b","):
        candidate = candidate.strip()
        if candidate.startswith(b"W/"):
            candidate = candidate[2:]
        if candidate == wanted or candidate == b"*":
            return True
    return False


async def get_features(context: AppContext, token: ApiTokenScope, request: SdkRequest) -> Reply:
    try:
        inline = not supports_segments(request.header(SPEC_HEADER))
        scope = scope_for(token, request, inline=inline)
    except FlagstaffError as error:
        return error_reply(error)
    payload = await payload_for(context, scope)
    if_none_match = request.headers.get(b"if-none-match")
    if if_none_match is not None and etag_matches(if_none_match, payload.etag):
        return Reply(304, b"", payload.not_modified_headers, sized=True)
    if b"gzip" in request.headers.get(b"accept-encoding", b""):
        tally.inc(PAYLOAD_BYTES_GZIP, len(payload.gzipped))
        return Reply(200, payload.gzipped, payload.gzip_headers, sized=True)
    tally.inc(PAYLOAD_BYTES_IDENTITY, len(payload.body))
    return Reply(200, payload.body, payload.plain_headers, sized=True)


def stream_scope(token: ApiTokenScope, request: SdkRequest) -> Scope:
    """What a stream sends: as ``get_features`` for the same headers and query."""
    inline = not supports_segments(request.header(SPEC_HEADER))
    return scope_for(token, request, inline=inline)


async def get_delta(context: AppContext, token: ApiTokenScope, request: SdkRequest) -> Reply:
    """What changed since the revision in ``If-None-Match`` (the ``ETag`` of the last answer),
    or the whole state as one hydration event when that revision is not known here."""
    try:
        scope = stream_scope(token, request)
    except FlagstaffError as error:
        return error_reply(error)
    deltas = client_api_state(context).deltas
    payload = await payload_for(context, scope)
    content = deltas.known(scope, payload)
    if content is None:
        content = await run_in_threadpool(deltas.record, scope, payload)
    etag = (b"etag", f'"{payload.revision}"'.encode())
    held = parse_revision(request.headers.get(b"if-none-match"))
    if held is not None and held >= payload.revision:
        # Up to date, or newer than this process has seen yet: nothing to send.
        return Reply(304, b"", [etag], sized=True)
    old = deltas.at(scope, held) if held is not None else None
    if old is not None:
        events = changes(old, content, payload.revision)
        if not events:
            return Reply(304, b"", [etag], sized=True)
    else:
        events = [content.hydration(payload.revision)]
    body = delta_body(events)
    return Reply(200, body, [JSON_TYPE, etag])


async def get_feature(
    context: AppContext, token: ApiTokenScope, request: SdkRequest, name: str
) -> Reply:
    try:
        inline = not supports_segments(request.header(SPEC_HEADER))
    except FlagstaffError as error:
        return error_reply(error)
    payload = await payload_for(context, Scope(token.projects, token.environment, inline))
    for feature in orjson.loads(payload.body)["features"]:
        if feature["name"] == name:
            return json_reply(200, feature)
    return error_reply(NotFoundError(f"Could not find feature flag {name}"))


async def post_metrics(context: AppContext, token: ApiTokenScope, request: SdkRequest) -> Reply:
    try:
        body = METRICS.validate_json(request.body)
    except ValidationError as error:
        return validation_reply(error)
    metrics_buffer(context).add_metrics(body, token.environment)
    return ACCEPTED


async def post_register(context: AppContext, token: ApiTokenScope, request: SdkRequest) -> Reply:
    try:
        body = REGISTRATION.validate_json(request.body)
    except ValidationError as error:
        return validation_reply(error)
    metrics_buffer(context).add_registration(body, token.environment)
    return ACCEPTED


async def post_bulk_metrics(
    context: AppContext, token: ApiTokenScope, request: SdkRequest
) -> Reply:
    """What Edge gathered from its SDKs. As Unleash, only what belongs to the token's
    environment is kept: a development token cannot add to production's counts."""
    try:
        body = BULK_METRICS.validate_json(request.body)
    except ValidationError as error:
        return validation_reply(error)
    metrics_buffer(context).add_bulk(body, token.environment)
    return ACCEPTED
