"""What changed between two revisions of a scope's payload, in Unleash's delta format: the body of
``GET /api/client/delta`` and of the streaming events.

A delta is ``{"events": [...]}``; each event carries the revision it brings the SDK to as its
``eventId``. ``hydration`` holds the whole state (``features`` and ``segments``); after it come
``feature-updated`` (the flag as ``/api/client/features`` gives it), ``feature-removed``
(``featureName`` and ``project``), ``segment-updated`` and ``segment-removed`` (``segmentId``).

The changes are found by comparing the two payloads flag by flag rather than by reading the event
log: the payload is already what the SDK evaluates, so whatever moved a flag in or out of the
scope (an archive, a project move, a segment edit) shows as a difference and nothing else does.
Each process keeps, per scope, the contents of the last few distinct payloads by revision; an SDK
whose revision is no longer (or was never) known here gets a hydration, which is always correct.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass, field

import orjson

from flagstaff.client_api.payload import Payload, Scope

# Distinct contents kept per scope, and scopes kept per process: an SDK more than this many
# changes behind, or on a rare scope, is sent the whole state again.
DEPTH = 16
MAX_SCOPES = 64
MAX_REVISIONS = 512  # revisions that map to a kept content (many revisions change no flag)


@dataclass(eq=False, slots=True)
class Content:
    """One payload's flags and segments as JSON fragments, keyed for comparison."""

    etag: str
    features: dict[str, bytes]
    projects: dict[str, str]
    segments: dict[int, bytes]
    _hydration: tuple[int, bytes] | None = field(default=None, repr=False)

    @classmethod
    def of(cls, payload: Payload, previous: Content | None = None) -> Content:
        data = orjson.loads(payload.body)
        features: dict[str, bytes] = {}
        projects: dict[str, str] = {}
        for feature in data["features"]:
            name = feature["name"]
            raw = orjson.dumps(feature)
            if previous is not None and previous.features.get(name) == raw:
                raw = previous.features[name]  # share the bytes of what did not change
            features[name] = raw
            projects[name] = feature.get("project", "default")
        segments = {s["id"]: orjson.dumps(s) for s in data.get("segments", ())}
        return cls(payload.etag, features, projects, segments)

    def hydration(self, revision: int) -> bytes:
        """The one event that gives the whole state, kept for the last revision asked."""
        cached = self._hydration
        if cached is not None and cached[0] == revision:
            return cached[1]
        body = b"".join(
            [
                b'{"type":"hydration","eventId":',
                str(revision).encode(),
                b',"features":[',
                b",".join(self.features.values()),
                b'],"segments":[',
                b",".join(self.segments.values()),
                b"]}",
            ]
        )
        self._hydration = (revision, body)
        return body


def changes(old: Content, new: Content, revision: int) -> list[bytes]:
    """The events that turn ``old`` into ``new``; empty when nothing the SDK sees changed.
    Segments come first, so a flag never names a segment the SDK has not got yet."""
    event_id = str(revision).encode()
    events: list[bytes] = []
    for segment_id, raw in new.segments.items():
        if old.segments.get(segment_id) != raw:
            events.append(
                b'{"type":"segment-updated","eventId":' + event_id + b',"segment":' + raw + b"}"
            )
    for name, raw in new.features.items():
        if old.features.get(name) != raw:
            events.append(
                b'{"type":"feature-updated","eventId":' + event_id + b',"feature":' + raw + b"}"
            )
    for name in old.features.keys() - new.features.keys():
        removed = {"featureName": name, "project": old.projects[name]}
        events.append(
            b'{"type":"feature-removed","eventId":' + event_id + b"," + orjson.dumps(removed)[1:]
        )
    for segment_id in old.segments.keys() - new.segments.keys():
        events.append(
            b'{"type":"segment-removed","eventId":'
            + event_id
            + b',"segmentId":'
            + str(segment_id).encode()
            + b"}"
        )
    return events


def delta_body(events: list[bytes]) -> bytes:
    return b'{"events":[' + b",".join(events) + b"]}"


def parse_revision(if_none_match: bytes | None) -> int | None:
    """The revision an SDK holds, from the ``ETag`` it was given (``"42"``, or ``W/"42"``)."""
    if not if_none_match:
        return None
    text = if_none_match.strip()
    if text.startswith(b"W/"):
        text = text[2:]
    text = text.strip(b'"')
    if not text.isdigit() or len(text) > 18:
        return None
    return int(text)


class _ScopeHistory:
    def __init__(self) -> None:
        self.by_revision: OrderedDict[int, Content] = OrderedDict()
        self.latest: Content | None = None
        self.latest_revision = -1


class DeltaHistory:
    """Per scope, the contents of recent revisions. Thread-safe: built in worker threads, read
    on the event loop."""

    def __init__(self) -> None:
        self._scopes: OrderedDict[Scope, _ScopeHistory] = OrderedDict()
        self._lock = threading.Lock()

    def known(self, scope: Scope, payload: Payload) -> Content | None:
        """The content of ``payload`` if it is already recorded (no parsing needed)."""
        with self._lock:
            history = self._scopes.get(scope)
            if history is None:
                return None
            return history.by_revision.get(payload.revision)

    def record(self, scope: Scope, payload: Payload) -> Content:
        """The content of ``payload``, recorded under its revision (blocking: parses the
        payload the first time; call from a worker thread)."""
        with self._lock:
            history = self._scopes.get(scope)
            if history is not None:
                found = history.by_revision.get(payload.revision)
                if found is not None:
                    return found
                latest = history.latest
            else:
                latest = None
        if latest is not None and latest.etag == payload.etag:
            content = latest  # a revision that changed nothing in this scope
        else:
            content = Content.of(payload, latest)
        with self._lock:
            history = self._scopes.get(scope)
            if history is None:
                history = self._scopes[scope] = _ScopeHistory()
                while len(self._scopes) > MAX_SCOPES:
                    self._scopes.popitem(last=False)
            self._scopes.move_to_end(scope)
            history.by_revision[payload.revision] = content
            if payload.revision >= history.latest_revision:
                history.latest, history.latest_revision = content, payload.revision
            self._prune(history)
        return content

    def at(self, scope: Scope, revision: int) -> Content | None:
        with self._lock:
            history = self._scopes.get(scope)
            return history.by_revision.get(revision) if history is not None else None

    @staticmethod
    def _prune(history: _ScopeHistory) -> None:
        ordered = sorted(history.by_revision.items())
        distinct: list[Content] = []
        for _, content in reversed(ordered):
            if not any(content is kept for kept in distinct):
                distinct.append(content)
        keep = distinct[:DEPTH]
        history.by_revision = OrderedDict(
            (rev, content)
            for rev, content in ordered[-MAX_REVISIONS:]
            if any(content is kept for kept in keep)
        )
