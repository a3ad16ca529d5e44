"""``GET /api/client/streaming``: flag changes pushed to backend SDKs as server-sent events.

On connect a stream gets ``unleash-connected`` with a hydration (the whole state of its token's
scope); after that ``unleash-updated`` with the delta of each change (``client_api.delta``), each
event's SSE ``id`` being the revision it brings the SDK to. Nothing here polls: the revision
watcher tells the hub that something changed (``on_revision``, from whichever thread noticed),
and one task per process builds each scope's new payload once, compares it with what that
scope's streams hold, and hands the same frame to all of them.

Bounded: at most ``streaming_max_connections`` streams per process (beyond, 429, which the
official SDKs take as "poll instead"); a comment line every ``streaming_heartbeat_seconds`` so
that proxies and the SDK's read timeout do not cut an idle stream; a stream whose token is
revoked, deleted, expired or re-scoped is ended at the next revision (or token check); a stream
that cannot keep up is ended rather than buffered without limit (the SDK reconnects and is
hydrated); and every stream ends when the server begins to shut down (``core.draining``).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import deque
from dataclasses import dataclass, field

from starlette.concurrency import run_in_threadpool

from flagstaff.client_api.cache import PayloadCache
from flagstaff.client_api.delta import Content, DeltaHistory, changes, delta_body
from flagstaff.client_api.payload import Payload, Scope
from flagstaff.core import draining
from flagstaff.credentials.resolver import resolve_token
from flagstaff.http.context import AppContext
from flagstaff.metrics.instruments import STREAMS_OPEN
from flagstaff.rbac.principal import ApiTokenScope, Principal

log = logging.getLogger(__name__)

HEARTBEAT = b": keep-alive\n\n"
# Tokens are checked again at every revision (a revocation moves it) and at least this often,
# so that an expiry, which moves nothing, also ends the stream.
TOKEN_CHECK_SECONDS = 5.0
MAX_PENDING = 64  # frames queued for one stream before it is deemed too slow and ended


def frame(event: bytes, revision: int, data: bytes) -> bytes:
    return b"id: " + str(revision).encode() + b"\nevent: " + event + b"\ndata: " + data + b"\n\n"


class TooManyStreamsError(Exception):
    """This process already serves as many streams as it is allowed."""


class ShuttingDownError(Exception):
    """This process is stopping: the SDK should connect again (to another process, or later)."""


@dataclass(eq=False)
class Stream:
    token: str
    api_scope: ApiTokenScope
    scope: Scope
    pending: deque[bytes] = field(default_factory=deque)
    ready: asyncio.Event = field(default_factory=asyncio.Event)
    closed: bool = False
    sent_at: float = field(default_factory=time.monotonic)

    def push(self, data: bytes) -> None:
        if self.closed:
            return
        if len(self.pending) >= MAX_PENDING:
            self.close()
            return
        self.pending.append(data)
        self.ready.set()

    def close(self) -> None:
        self.closed = True
        self.pending.clear()
        self.ready.set()

    def take(self) -> bytes:
        self.sent_at = time.monotonic()
        self.ready.clear()
        data = b"".join(self.pending)
        self.pending.clear()
        return data


@dataclass(eq=False)
class Channel:
    """The streams of one scope and the state they all hold."""

    streams: set[Stream] = field(default_factory=set)
    content: Content | None = None
    revision: int = -1
    # The unleash-connected frame of (revision): one bytes object that every stream joining at
    # that revision is sent, rather than a copy each.
    connected: tuple[int, bytes] = (-1, b"")

    def connected_frame(self) -> bytes:
        assert self.content is not None
        if self.connected[0] != self.revision:
            hydration = delta_body([self.content.hydration(self.revision)])
            self.connected = (self.revision, frame(b"unleash-connected", self.revision, hydration))
        return self.connected[1]


class StreamHub:
    """This process's streams, by scope. Lives on the event loop; ``on_revision`` is the only
    entry point from other threads."""

    def __init__(
        self, payloads: PayloadCache, deltas: DeltaHistory, limit: int, heartbeat: float
    ) -> None:
        self.payloads = payloads
        self.deltas = deltas
        self.limit = limit
        self.heartbeat = heartbeat
        self._checked = 0.0
        self.channels: dict[Scope, Channel] = {}
        self.count = 0
        self._context: AppContext | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._wake: asyncio.Event | None = None
        self._task: asyncio.Task[None] | None = None
        self._closing = False

    # -- from any thread --------------------------------------------------------------------

    def on_revision(self, _value: int) -> None:
        loop, wake = self._loop, self._wake
        if loop is None or wake is None:
            return
        with contextlib.suppress(RuntimeError):  # the loop has closed: the process is ending
            loop.call_soon_threadsafe(wake.set)

    # -- on the event loop ------------------------------------------------------------------

    async def open(
        self, context: AppContext, token: str, principal: Principal, scope: Scope
    ) -> tuple[Stream, bytes]:
        """A new stream and its first frame (the hydration), or ``TooManyStreamsError``."""
        if self._closing:
            raise ShuttingDownError()
        if self.count >= self.limit:
            raise TooManyStreamsError()
        channel = self.channels.get(scope)
        if channel is None or not channel.streams:
            payload = await self.payload(scope)
            content = await self.content(scope, payload)
            channel = self.channels.setdefault(scope, Channel())
            # Nobody holds this channel's state yet: it may jump to what was just built.
            if not channel.streams and payload.revision >= channel.revision:
                channel.content, channel.revision = content, payload.revision
        if self._closing:
            raise ShuttingDownError()
        if self.count >= self.limit:
            raise TooManyStreamsError()
        assert channel.content is not None
        assert principal.api_scope is not None
        stream = Stream(token, principal.api_scope, scope)
        channel.streams.add(stream)
        self.count += 1
        STREAMS_OPEN.inc()
        # Only now (no await since the stream was counted): a broadcaster that found no
        # stream while this one was joining has stopped, and must be started again.
        self._start(context)
        draining.on_drain(self.close_all_soon)
        assert self._wake is not None
        self._wake.set()  # in case the revision moved while this stream was joining
        return stream, channel.connected_frame()

    def remove(self, stream: Stream) -> None:
        channel = self.channels.get(stream.scope)
        if channel is not None and stream in channel.streams:
            channel.streams.discard(stream)
            self.count -= 1
            STREAMS_OPEN.dec()
            if not channel.streams:
                del self.channels[stream.scope]

    def close_all_soon(self) -> None:
        """``close_all`` from any thread (a signal handler, a test's thread)."""
        loop = self._loop
        if loop is not None:
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(self.close_all)

    def close_all(self) -> None:
        """Ends every stream now (the server is shutting down) and refuses new ones."""
        self._closing = True
        for channel in list(self.channels.values()):
            for stream in list(channel.streams):
                stream.close()
        if self._wake is not None:
            self._wake.set()

    async def payload(self, scope: Scope) -> Payload:
        cached = self.payloads.get(scope)
        if cached is not None:
            return cached
        return await run_in_threadpool(self.payloads.get_or_build, scope)

    async def content(self, scope: Scope, payload: Payload) -> Content:
        known = self.deltas.known(scope, payload)
        if known is not None:
            return known
        return await run_in_threadpool(self.deltas.record, scope, payload)

    def _start(self, context: AppContext) -> None:
        if self._task is not None and not self._task.done():
            return
        self._context = context
        self._loop = asyncio.get_running_loop()
        self._wake = asyncio.Event()
        self._task = self._loop.create_task(self._run(), name="client-api-streams")

    async def _run(self) -> None:
        """Woken by a revision; otherwise ticks for heartbeats and the token check. Heartbeats
        are pushed from here rather than timed by each stream: one timer for all of them costs
        less memory than a timeout per stream."""
        assert self._wake is not None
        while not self._closing:
            tick = min(TOKEN_CHECK_SECONDS, self.heartbeat / 2)
            woken = False
            try:
                await asyncio.wait_for(self._wake.wait(), tick)
                woken = True
            except TimeoutError:
                pass
            self._wake.clear()
            if self._closing:
                break
            now = time.monotonic()
            if woken or now - self._checked >= TOKEN_CHECK_SECONDS:
                self._checked = now
                try:
                    await self._check_tokens()
                    for scope, channel in list(self.channels.items()):
                        if channel.streams:
                            await self._advance(scope, channel)
                except Exception:
                    # A database that went away, say: the streams stay open and the next
                    # revision (or token check) tries again.
                    log.exception("could not bring the client API streams up to date")
            self._beat(time.monotonic())
            if not self.count:
                break  # started again by the next stream
        self._task = None

    def _beat(self, now: float) -> None:
        for channel in self.channels.values():
            for stream in channel.streams:
                if now - stream.sent_at >= self.heartbeat and not stream.pending:
                    stream.push(HEARTBEAT)

    async def _advance(self, scope: Scope, channel: Channel) -> None:
        assert self._context is not None
        payload = await self.payload(scope)
        if payload.revision <= channel.revision or channel.content is None:
            return
        content = await self.content(scope, payload)
        if payload.revision <= channel.revision or channel.content is None:
            return  # another pass got further while this one waited
        events = changes(channel.content, content, payload.revision)
        channel.content, channel.revision = content, payload.revision
        if not events:
            return
        data = frame(b"unleash-updated", payload.revision, delta_body(events))
        for stream in list(channel.streams):
            stream.push(data)

    async def _check_tokens(self) -> None:
        assert self._context is not None
        by_token: dict[str, list[Stream]] = {}
        for channel in self.channels.values():
            for stream in channel.streams:
                by_token.setdefault(stream.token, []).append(stream)
        for token, streams in by_token.items():
            resolved = await resolve_token(self._context.resolver, token)
            still = isinstance(resolved, Principal) and resolved.api_scope == streams[0].api_scope
            if not still:
                for stream in streams:
                    stream.close()
