"""``GET /api/client/streaming`` over real HTTP: the events an SDK gets, the refusals, the cap,
heartbeats, a revoked token ending its stream, and streams ending when the server drains."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from flagstaff.client_api.state import client_api_state
from flagstaff.config import Settings
from flagstaff.core import draining
from flagstaff.http.context import AppContext
from tests.api.client_api.flags import make_flag, make_segment, set_enabled
from tests.api.client_api.sse import EventStream
from tests.api.credentials.api_tokens.helpers import make_api_token, make_project
from tests.sdk.live import LiveServer, live_server, wait_for

STREAM = "/api/client/streaming"
MODERN = {"Unleash-Client-Spec": "5.2.0"}


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(
        update={"streaming_max_connections": 3, "streaming_heartbeat_seconds": 0.3}
    )


@pytest.fixture
def server(context: AppContext) -> Iterator[LiveServer]:
    with live_server(context, make_api_token(context, "admin", environment="*")) as live:
        yield live


def open_stream(server: LiveServer, token: str, **headers: str) -> EventStream:
    return EventStream(f"{server.url}{STREAM}", {"Authorization": token, **MODERN, **headers})


def test_streaming__connect__hydration_of_the_token_scope(
    server: LiveServer, context: AppContext
) -> None:
    make_project(context, "other")
    make_flag(context, "stream-on")
    make_flag(context, "stream-elsewhere", project="other")
    segment = make_segment(context, "beta", [{"contextName": "x", "operator": "IN", "values": []}])
    make_flag(context, "stream-seg", strategies=[{"name": "default", "segments": [segment]}])
    token = make_api_token(context, projects=["default"])
    with open_stream(server, token) as stream:
        assert stream.status == 200
        assert stream.headers is not None
        assert stream.headers["content-type"] == "text/event-stream"
        event = stream.next()
    assert event.name == "unleash-connected"
    (hydration,) = event.json()["events"]
    assert hydration["type"] == "hydration"
    assert str(hydration["eventId"]) == event.id
    names = {f["name"] for f in hydration["features"]}
    assert names == {"stream-on", "stream-seg"}
    assert [s["id"] for s in hydration["segments"]] == [segment]


def test_streaming__flag_toggled__updated_event_with_that_flag(
    server: LiveServer, context: AppContext
) -> None:
    make_flag(context, "stream-a")
    make_flag(context, "stream-b")
    token = make_api_token(context)
    with open_stream(server, token) as stream:
        connected = stream.next()
        started = time.monotonic()
        response = server.admin.post(
            "/api/admin/projects/default/features/stream-a/environments/development/off"
        )
        assert response.status_code == 200
        event = stream.next()
        print(f"\nflag change reached the stream in {1000 * (event.at - started):.1f} ms")
    assert event.name == "unleash-updated"
    assert int(event.id or 0) > int(connected.id or 0)
    (change,) = event.json()["events"]
    assert change["type"] == "feature-updated"
    assert change["eventId"] == int(event.id or 0)
    assert change["feature"]["name"] == "stream-a"
    assert change["feature"]["enabled"] is False


def test_streaming__flag_archived__removed_event(server: LiveServer, context: AppContext) -> None:
    make_flag(context, "stream-gone")
    token = make_api_token(context)
    with open_stream(server, token) as stream:
        stream.next()
        response = server.admin.delete("/api/admin/projects/default/features/stream-gone")
        assert response.status_code == 202
        event = stream.next()
    assert event.json()["events"] == [
        {
            "type": "feature-removed",
            "eventId": int(event.id or 0),
            "featureName": "stream-gone",
            "project": "default",
        }
    ]


def test_streaming__other_environment_changes__nothing_sent(
    server: LiveServer, context: AppContext
) -> None:
    make_flag(context, "stream-quiet")
    token = make_api_token(context)
    with open_stream(server, token) as stream:
        stream.next()
        set_enabled(context, "stream-quiet", True, env="production")
        set_enabled(context, "stream-quiet", False)
        event = stream.next()
    (change,) = event.json()["events"]
    assert change["feature"]["enabled"] is False  # the production change made no event


def test_streaming__no_token__401(server: LiveServer) -> None:
    with EventStream(f"{server.url}{STREAM}", {}) as stream:
        assert stream.status == 401
        assert b"requires an API token" in stream.body


@pytest.mark.parametrize("kind", ["frontend", "admin"])
def test_streaming__other_token_type__403(
    server: LiveServer, context: AppContext, kind: str
) -> None:
    token = make_api_token(context, kind, environment="*" if kind == "admin" else "development")
    with open_stream(server, token) as stream:
        assert stream.status == 403


def test_streaming__bad_spec_header__400(server: LiveServer, context: AppContext) -> None:
    token = make_api_token(context)
    with open_stream(server, token, **{"Unleash-Client-Spec": "banana"}) as stream:
        assert stream.status == 400


def test_streaming__token_revoked__stream_ends_within_a_second(
    server: LiveServer, context: AppContext
) -> None:
    token = make_api_token(context, name="doomed")
    with open_stream(server, token) as stream:
        stream.next()
        started = time.monotonic()
        response = server.admin.delete(f"/api/admin/api-tokens/{token}")
        assert response.status_code == 200
        end = stream.next(timeout=5)
        print(f"\nrevoked token's stream ended after {1000 * (end.at - started):.0f} ms")
        assert end.name == "end"
        assert end.at - started < 2.0  # 1 s promised; slack for a loaded test machine
    with open_stream(server, token) as again:
        assert again.status == 401


def test_streaming__over_the_cap__429_then_room_again(
    server: LiveServer, context: AppContext
) -> None:
    token = make_api_token(context)
    streams = [open_stream(server, token) for _ in range(3)]
    try:
        assert [s.status for s in streams] == [200, 200, 200]
        with open_stream(server, token) as refused:
            assert refused.status == 429
            assert b"TooManyStreamsError" in refused.body
            assert refused.headers is not None
            assert refused.headers["retry-after"]
        streams.pop().close()
        hub = client_api_state(context).streams
        wait_for(lambda: hub.count == 2, what="the closed stream to be let go")
        with open_stream(server, token) as admitted:
            assert admitted.status == 200
    finally:
        for stream in streams:
            stream.close()


def test_streaming__idle__heartbeat_comments(server: LiveServer, context: AppContext) -> None:
    token = make_api_token(context)
    with open_stream(server, token) as stream:
        stream.next()
        comment = stream.next(timeout=5, skip_comments=False)
    assert comment.name == "comment"


def test_streaming__drain__streams_end_and_new_ones_wait(
    server: LiveServer, context: AppContext
) -> None:
    token = make_api_token(context)
    with open_stream(server, token) as stream:
        stream.next()
        draining.drain()
        assert stream.next(timeout=5).name == "end"
    with open_stream(server, token) as late:
        assert late.status == 503
