"""``GET /api/client/delta``: a hydration first, then what changed since the revision in
``If-None-Match``, 304 when nothing did, and the Client API's refusals."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from flagstaff.core import revision
from flagstaff.core.db import utcnow
from flagstaff.flags.features.models import Feature
from flagstaff.flags.segments.models import Segment
from flagstaff.http.context import AppContext
from tests.api.client_api.flags import make_flag, make_segment, set_enabled
from tests.api.credentials.api_tokens.helpers import auth, make_api_token, make_project

URL = "/api/client/delta"
MODERN = {"Unleash-Client-Spec": "5.2.0"}


def delta(client: TestClient, token: str, etag: str | None = None) -> tuple[int, str, Any]:
    headers = {**auth(token), **MODERN}
    if etag is not None:
        headers["If-None-Match"] = etag
    response = client.get(URL, headers=headers)
    body = response.json() if response.status_code == 200 else {}
    return response.status_code, response.headers.get("etag", ""), body


def changed(context: AppContext) -> None:
    """This process learns of the change now, as it would at its next poll."""
    context.watcher.check_now()


def test_delta__first_call__hydration_with_revision_etag(
    client: TestClient, context: AppContext
) -> None:
    make_flag(context, "delta-a")
    make_flag(context, "delta-b", enabled_in=())
    changed(context)
    status, etag, body = delta(client, make_api_token(context))
    assert status == 200
    (event,) = body["events"]
    assert event["type"] == "hydration"
    assert etag == f'"{event["eventId"]}"'
    assert [f["name"] for f in event["features"]] == ["delta-a", "delta-b"]
    assert event["segments"] == []
    features = client.get(
        "/api/client/features", headers={**auth(make_api_token(context)), **MODERN}
    ).json()["features"]
    assert event["features"] == features  # the same flags as a full fetch


def test_delta__same_revision__304(client: TestClient, context: AppContext) -> None:
    make_flag(context, "delta-a")
    changed(context)
    token = make_api_token(context)
    _, etag, _ = delta(client, token)
    status, again, _ = delta(client, token, etag)
    assert (status, again) == (304, etag)
    assert delta(client, token, f"W/{etag}")[0] == 304


def test_delta__a_flag_changed__only_that_flag(client: TestClient, context: AppContext) -> None:
    make_flag(context, "delta-a")
    make_flag(context, "delta-b")
    changed(context)
    token = make_api_token(context)
    _, etag, _ = delta(client, token)
    set_enabled(context, "delta-b", False)
    changed(context)
    status, new_etag, body = delta(client, token, etag)
    assert status == 200
    (event,) = body["events"]
    assert event["type"] == "feature-updated"
    assert event["feature"]["name"] == "delta-b"
    assert event["feature"]["enabled"] is False
    assert new_etag == f'"{event["eventId"]}"'
    assert int(new_etag.strip('"')) > int(etag.strip('"'))
    assert delta(client, token, new_etag)[0] == 304


def test_delta__change_outside_the_scope__304(client: TestClient, context: AppContext) -> None:
    make_flag(context, "delta-a")
    changed(context)
    token = make_api_token(context)
    _, etag, _ = delta(client, token)
    set_enabled(context, "delta-a", True, env="production")
    changed(context)
    assert delta(client, token, etag)[0] == 304


def test_delta__archived_flag__feature_removed(client: TestClient, context: AppContext) -> None:
    make_project(context, "shop")
    make_flag(context, "delta-gone", project="shop")
    changed(context)
    token = make_api_token(context)
    _, etag, _ = delta(client, token)
    with context.database.transaction() as session:
        feature = session.get(Feature, "delta-gone")
        assert feature is not None
        feature.archived_at = utcnow()
        revision.bump(session)
    changed(context)
    status, new_etag, body = delta(client, token, etag)
    assert status == 200
    assert body["events"] == [
        {
            "type": "feature-removed",
            "eventId": int(new_etag.strip('"')),
            "featureName": "delta-gone",
            "project": "shop",
        }
    ]


def test_delta__segment_changed_and_dropped__segment_events(
    client: TestClient, context: AppContext
) -> None:
    segment = make_segment(context, "beta", [{"contextName": "a", "operator": "IN", "values": []}])
    make_flag(context, "delta-seg", strategies=[{"name": "default", "segments": [segment]}])
    changed(context)
    token = make_api_token(context)
    _, etag, body = delta(client, token)
    assert [s["id"] for s in body["events"][0]["segments"]] == [segment]
    with context.database.transaction() as session:
        row = session.get(Segment, segment)
        assert row is not None
        row.constraints = [{"contextName": "b", "operator": "IN", "values": ["1"]}]
        revision.bump(session)
    changed(context)
    status, etag, body = delta(client, token, etag)
    assert status == 200
    (event,) = body["events"]
    assert event["type"] == "segment-updated"
    assert event["segment"]["constraints"][0]["contextName"] == "b"
    with context.database.transaction() as session:
        feature = session.get(Feature, "delta-seg")
        assert feature is not None
        feature.archived_at = utcnow()
        revision.bump(session)
    changed(context)
    _, _, body = delta(client, token, etag)
    assert [e["type"] for e in body["events"]] == ["feature-removed", "segment-removed"]
    assert body["events"][1]["segmentId"] == segment


@pytest.mark.parametrize("etag", ['"1"', '"banana"', "*", '"99999999999999999999999"', '""'])
def test_delta__unknown_or_garbage_revision__hydration_or_304(
    client: TestClient, context: AppContext, etag: str
) -> None:
    make_flag(context, "delta-a")
    changed(context)
    token = make_api_token(context)
    status, _, body = delta(client, token, etag)
    assert status == 200
    assert body["events"][0]["type"] == "hydration"


def test_delta__revision_ahead_of_this_process__304(
    client: TestClient, context: AppContext
) -> None:
    make_flag(context, "delta-a")
    changed(context)
    token = make_api_token(context)
    _, etag, _ = delta(client, token)
    ahead = f'"{int(etag.strip(chr(34))) + 5}"'
    assert delta(client, token, ahead)[0] == 304


def test_delta__project_token__only_its_projects(client: TestClient, context: AppContext) -> None:
    make_project(context, "shop")
    make_flag(context, "delta-default")
    make_flag(context, "delta-shop", project="shop")
    changed(context)
    _, _, body = delta(client, make_api_token(context, projects=["shop"]))
    assert [f["name"] for f in body["events"][0]["features"]] == ["delta-shop"]


def test_delta__no_token__401(client: TestClient) -> None:
    assert client.get(URL).status_code == 401


@pytest.mark.parametrize("kind", ["frontend", "admin"])
def test_delta__other_token_type__403(client: TestClient, context: AppContext, kind: str) -> None:
    secret = make_api_token(context, kind, environment="*" if kind == "admin" else "development")
    assert client.get(URL, headers=auth(secret)).status_code == 403


def test_delta__bad_spec_header__400(client: TestClient, context: AppContext) -> None:
    response = client.get(
        URL, headers={**auth(make_api_token(context)), "Unleash-Client-Spec": "v5"}
    )
    assert response.status_code == 400
    assert response.json()["name"] == "BadDataError"


def test_delta__oversized_name_prefix__400(client: TestClient, context: AppContext) -> None:
    response = client.get(
        URL, params={"namePrefix": "x" * 300}, headers=auth(make_api_token(context))
    )
    assert response.status_code == 400
