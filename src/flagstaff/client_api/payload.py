"""Building the body of ``GET /api/client/features`` for one scope, once per revision.

The body is Unleash's: ``{version: 2, features, query, segments?, meta}``. Features are the
unarchived flags of the scope's projects with their state in the scope's environment; disabled
strategies are left out, strategy ids are not sent (old Go SDKs choke on them), parameter values
are strings. SDKs announcing client specification 4.2.0 or newer get segment ids on strategies
and the segments once; older ones get each segment's constraints appended to the strategy's (a
segment that does not exist becomes a constraint nothing matches).

Everything is read in one snapshot together with the revision, so the same revision gives the
same bytes in every process; the ``ETag`` is a hash of the flag content, so a change elsewhere
(a new token, a login) does not make every SDK download the flags again.
"""

from __future__ import annotations

import gzip
import hashlib
from collections import defaultdict
from dataclasses import dataclass
from typing import Any, NamedTuple

import orjson
from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from flagstaff.core import revision
from flagstaff.core.db import Database
from flagstaff.flags.features.models import Feature, FeatureDependency, FeatureEnvironment
from flagstaff.flags.segments.models import Segment
from flagstaff.flags.strategies.models import FeatureStrategy

ALL_PROJECTS = "*"
GZIP_LEVEL = 6
VARY = (b"vary", b"Accept-Encoding")
JSON_TYPE = (b"content-type", b"application/json; charset=utf-8")


class Scope(NamedTuple):
    """What a request may see and how it wants it: the cache key of a payload (a tuple, so
    building and hashing one per request costs next to nothing)."""

    projects: tuple[str, ...]  # ("*",) for every project
    environment: str
    inline_segments: bool
    name_prefix: str | None = None

    def query(self) -> dict[str, Any]:
        """Unleash's ``query`` summary of the filters in force."""
        query: dict[str, Any] = {}
        if self.projects != (ALL_PROJECTS,):
            query["project"] = list(self.projects)
        if self.name_prefix:
            query["namePrefix"] = self.name_prefix
        query["environment"] = self.environment
        query["inlineSegmentConstraints"] = self.inline_segments
        return query


@dataclass(frozen=True, slots=True)
class Payload:
    revision: int
    etag: str
    body: bytes
    gzipped: bytes
    feature_count: int
    # Response headers, built once with the payload rather than once per request.
    not_modified_headers: list[tuple[bytes, bytes]]
    plain_headers: list[tuple[bytes, bytes]]
    gzip_headers: list[tuple[bytes, bytes]]


def build(database: Database, scope: Scope) -> Payload:
    with database.session(write=False) as session:
        if session.get_bind().dialect.name == "postgresql":
            # One snapshot for the revision and every query below.
            session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
        current = revision.read(session)
        features, segments = _content(session, scope)
    return _serialize(current, scope, features, segments)


def _content(session: Session, scope: Scope) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    rows = list(session.scalars(_in_scope(select(Feature), scope).order_by(Feature.name)))
    states = {
        fe.feature_name: fe
        for fe in session.scalars(
            _in_scope(
                select(FeatureEnvironment).join(
                    Feature, Feature.name == FeatureEnvironment.feature_name
                ),
                scope,
            ).where(FeatureEnvironment.environment == scope.environment)
        )
    }
    strategies: dict[str, list[FeatureStrategy]] = defaultdict(list)
    for strategy in session.scalars(
        _in_scope(
            select(FeatureStrategy).join(Feature, Feature.name == FeatureStrategy.feature_name),
            scope,
        )
        .where(
            FeatureStrategy.environment == scope.environment, FeatureStrategy.disabled.is_(False)
        )
        .order_by(FeatureStrategy.sort_order, FeatureStrategy.created_at, FeatureStrategy.id)
    ):
        strategies[strategy.feature_name].append(strategy)
    dependencies: dict[str, list[FeatureDependency]] = defaultdict(list)
    for dependency in session.scalars(
        _in_scope(
            select(FeatureDependency).join(Feature, Feature.name == FeatureDependency.child),
            scope,
        ).order_by(FeatureDependency.parent)
    ):
        dependencies[dependency.child].append(dependency)
    used = sorted({i for group in strategies.values() for s in group for i in s.segment_ids})
    segments = {
        segment.id: segment
        for segment in session.scalars(select(Segment).where(Segment.id.in_(used)))
    }
    features = [
        _feature(f, states.get(f.name), strategies[f.name], dependencies[f.name], segments, scope)
        for f in rows
    ]
    segment_list = [
        {"id": s.id, "name": s.name, "constraints": s.constraints}
        for s in sorted(segments.values(), key=lambda s: s.id)
    ]
    return features, segment_list


def _in_scope(statement: Select[Any], scope: Scope) -> Select[Any]:
    statement = statement.where(Feature.archived_at.is_(None))
    if scope.projects != (ALL_PROJECTS,):
        statement = statement.where(Feature.project.in_(scope.projects))
    if scope.name_prefix:
        escaped = scope.name_prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        statement = statement.where(Feature.name.like(f"{escaped}%", escape="\\"))
    return statement


def _feature(
    feature: Feature,
    state: FeatureEnvironment | None,
    strategies: list[FeatureStrategy],
    dependencies: list[FeatureDependency],
    segments: dict[int, Segment],
    scope: Scope,
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "name": feature.name,
        "type": feature.type,
        "enabled": bool(state and state.enabled),
        "project": feature.project,
        "stale": feature.stale,
        "strategies": [_strategy(s, segments, scope.inline_segments) for s in strategies],
        "variants": list(state.variants) if state else [],
        "description": feature.description,
        "impressionData": feature.impression_data,
    }
    if dependencies:
        body["dependencies"] = [_dependency(d) for d in dependencies]
    return body


def _strategy(
    strategy: FeatureStrategy, segments: dict[int, Segment], inline: bool
) -> dict[str, Any]:
    constraints = list(strategy.constraints)
    ids = strategy.segment_ids
    if inline:
        for segment_id in ids:
            segment = segments.get(segment_id)
            constraints.extend(segment.constraints if segment else [_never(segment_id)])
    body: dict[str, Any] = {
        "name": strategy.strategy_name,
        "constraints": constraints,
        "parameters": {k: _as_string(v) for k, v in strategy.parameters.items()},
        "variants": list(strategy.variants),
    }
    if ids and not inline:
        body["segments"] = ids
    return body


def _never(segment_id: int) -> dict[str, Any]:
    """Stands in for a segment that does not exist: the strategy must evaluate to false
    (client specification, F9.withMissingSegment), and ``IN`` an empty list matches nothing."""
    return {"contextName": f"missingSegment{segment_id}", "operator": "IN", "values": []}


def _as_string(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return ""
    return str(value) if isinstance(value, int | float) else orjson.dumps(value).decode()


def _dependency(dependency: FeatureDependency) -> dict[str, Any]:
    body: dict[str, Any] = {"feature": dependency.parent, "enabled": dependency.enabled}
    if dependency.enabled:
        body["variants"] = list(dependency.variants)
    return body


def _serialize(
    current: int, scope: Scope, features: list[dict[str, Any]], segments: list[dict[str, Any]]
) -> Payload:
    features_json = orjson.dumps(features)
    query = scope.query()
    query_json = orjson.dumps(query)
    segments_json = orjson.dumps(segments) if not scope.inline_segments else b""
    content_hash = hashlib.blake2b(
        features_json + b"\x00" + segments_json + b"\x00" + query_json, digest_size=12
    ).hexdigest()
    query_hash = hashlib.blake2b(query_json, digest_size=4).hexdigest()
    etag = f'"{query_hash}:{content_hash}:v1"'
    meta = orjson.dumps({"revisionId": current, "etag": etag, "queryHash": query_hash})
    parts = [b'{"version":2,"features":', features_json, b',"query":', query_json]
    if not scope.inline_segments:
        parts += [b',"segments":', segments_json]
    parts += [b',"meta":', meta, b"}"]
    body = b"".join(parts)
    gzipped = gzip.compress(body, compresslevel=GZIP_LEVEL, mtime=0)
    etag_header = (b"etag", etag.encode())
    common = [(b"content-type", b"application/json; charset=utf-8"), etag_header, VARY]
    return Payload(
        revision=current,
        etag=etag,
        body=body,
        gzipped=gzipped,
        feature_count=len(features),
        not_modified_headers=[etag_header],
        plain_headers=[*common, (b"content-length", str(len(body)).encode())],
        gzip_headers=[
            *common,
            (b"content-encoding", b"gzip"),
            (b"content-length", str(len(gzipped)).encode()),
        ],
    )
