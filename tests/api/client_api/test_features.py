from __future__ import annotations

import gzip

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event

from flagstaff.client_api.state import client_api_state
from flagstaff.credentials.account_tokens.service import AccountTokenService, NewToken
from flagstaff.http.context import AppContext
from tests.api.client_api.flags import make_flag, make_segment, set_enabled
from tests.api.credentials.api_tokens.helpers import auth, make_api_token, make_project
from tests.conftest import FAST_PASSWORDS
from tests.factories import make_user

URL = "/api/client/features"
MODERN = {"Unleash-Client-Spec": "5.1.0"}


def _names(response_json: dict[str, object]) -> list[str]:
    features = response_json["features"]
    assert isinstance(features, list)
    return [f["name"] for f in features]


def test_features__no_token__401(client: TestClient) -> None:
    response = client.get(URL)
    assert response.status_code == 401
    assert response.json()["message"].startswith("This endpoint requires an API token")


def test_features__unknown_token__401(client: TestClient) -> None:
    response = client.get(URL, headers=auth("*:development.0123456789abcdef0123"))
    assert response.status_code == 401


@pytest.mark.parametrize("kind", ["frontend", "admin"])
def test_features__other_api_token_type__403(
    client: TestClient, context: AppContext, kind: str
) -> None:
    secret = make_api_token(context, kind, environment="*" if kind == "admin" else "development")
    response = client.get(URL, headers=auth(secret))
    assert response.status_code == 403
    assert response.json()["message"] == (
        "invalid token: expected a different token type for this endpoint"
    )


def test_features__personal_access_token__403(client: TestClient, context: AppContext) -> None:
    from datetime import UTC, datetime, timedelta

    from flagstaff.accounts.models import Account
    from flagstaff.events.service import SYSTEM

    user = make_user(context, role="Admin")
    with context.database.transaction() as session:
        owner = session.get(Account, user.id)
        assert owner is not None
        issued = AccountTokenService(session, context.keys, context.settings).create(
            SYSTEM, owner, NewToken("pat", datetime.now(UTC) + timedelta(days=1))
        )
    assert client.get(URL, headers=auth(issued.secret)).status_code == 403
    assert client.get("/api/frontend", headers=auth(issued.secret)).status_code == 403


def test_features__old_sdk__segments_inlined_unleash_body(
    client: TestClient, context: AppContext
) -> None:
    segment = make_segment(
        context, "beta", [{"contextName": "userId", "operator": "IN", "values": ["7"]}]
    )
    own = {"contextName": "appName", "operator": "IN", "values": ["web"]}
    make_flag(
        context,
        "checkout",
        strategies=[
            {
                "name": "flexibleRollout",
                "parameters": {"rollout": 50, "stickiness": "default", "groupId": "checkout"},
                "constraints": [own],
                "segments": [segment],
            },
            {"name": "default", "disabled": True},
        ],
    )
    body = client.get(URL, headers=auth(make_api_token(context))).json()
    assert set(body) == {"version", "features", "query", "meta"}
    assert body["version"] == 2
    (feature,) = body["features"]
    assert list(feature) == [
        "name",
        "type",
        "enabled",
        "project",
        "stale",
        "strategies",
        "variants",
        "description",
        "impressionData",
    ]
    (strategy,) = feature["strategies"]  # the disabled strategy is not sent
    assert strategy == {
        "name": "flexibleRollout",
        "constraints": [own, {"contextName": "userId", "operator": "IN", "values": ["7"]}],
        "parameters": {"rollout": "50", "stickiness": "default", "groupId": "checkout"},
        "variants": [],
    }
    assert body["query"] == {"environment": "development", "inlineSegmentConstraints": True}
    assert set(body["meta"]) == {"revisionId", "etag", "queryHash"}


def test_features__modern_sdk__segments_listed_once(
    client: TestClient, context: AppContext
) -> None:
    segment = make_segment(
        context, "beta", [{"contextName": "userId", "operator": "IN", "values": ["7"]}]
    )
    make_segment(context, "unused", [])
    make_flag(context, "a", strategies=[{"name": "default", "segments": [segment]}])
    make_flag(context, "b", strategies=[{"name": "default", "segments": [segment]}])
    body = client.get(URL, headers={**auth(make_api_token(context)), **MODERN}).json()
    assert body["segments"] == [
        {
            "id": segment,
            "name": "beta",
            "constraints": [{"contextName": "userId", "operator": "IN", "values": ["7"]}],
        }
    ]
    assert [s["segments"] for f in body["features"] for s in f["strategies"]] == [[segment]] * 2
    assert body["query"]["inlineSegmentConstraints"] is False


@pytest.mark.parametrize(("spec", "problem"), [("banana", "prefix"), ("4.2", "SemVer")])
def test_features__malformed_spec_header__400_naming_it(
    client: TestClient, context: AppContext, spec: str, problem: str
) -> None:
    response = client.get(
        URL, headers={**auth(make_api_token(context)), "Unleash-Client-Spec": spec}
    )
    assert response.status_code == 400
    assert f"Invalid {problem} in the Unleash-Client-Spec header" in response.json()["message"]


def test_features__token_scope__only_its_projects_and_environment(
    client: TestClient, context: AppContext
) -> None:
    make_project(context, "other")
    make_flag(context, "mine", enabled_in=("production",))
    make_flag(context, "theirs", project="other")
    scoped = make_api_token(context, projects=["default"], environment="production")
    body = client.get(URL, headers=auth(scoped)).json()
    assert _names(body) == ["mine"]
    assert body["features"][0]["enabled"] is True
    assert body["features"][0]["strategies"] == []  # strategies were added in development
    everything = client.get(URL, headers=auth(make_api_token(context))).json()
    assert _names(everything) == ["mine", "theirs"]
    assert everything["features"][0]["enabled"] is False
    narrowed = client.get(URL + "?project=other", headers=auth(make_api_token(context))).json()
    assert _names(narrowed) == ["theirs"]
    not_widened = client.get(URL + "?project=other", headers=auth(scoped)).json()
    assert _names(not_widened) == ["mine"]
    prefixed = client.get(URL + "?namePrefix=the", headers=auth(make_api_token(context))).json()
    assert _names(prefixed) == ["theirs"]


def test_features__unchanged__304_then_200_after_change(
    client: TestClient, context: AppContext
) -> None:
    make_flag(context, "a")
    headers = auth(make_api_token(context))
    first = client.get(URL, headers=headers)
    etag = first.headers["etag"]
    assert client.get(URL, headers={**headers, "If-None-Match": etag}).status_code == 304
    assert client.get(URL, headers={**headers, "If-None-Match": f"W/{etag}"}).status_code == 304
    set_enabled(context, "a", False)
    context.watcher.check_now()
    after = client.get(URL, headers={**headers, "If-None-Match": etag})
    assert after.status_code == 200
    assert after.headers["etag"] != etag
    assert after.json()["features"][0]["enabled"] is False


def test_features__unrelated_change__same_etag(client: TestClient, context: AppContext) -> None:
    make_flag(context, "a")
    headers = auth(make_api_token(context))
    etag = client.get(URL, headers=headers).headers["etag"]
    make_api_token(context, "frontend")  # moves the revision, not the flags
    context.watcher.check_now()
    assert client.get(URL, headers={**headers, "If-None-Match": etag}).status_code == 304


def test_features__gzip_and_plain__same_content(client: TestClient, context: AppContext) -> None:
    make_flag(context, "a")
    headers = auth(make_api_token(context))
    zipped = client.get(URL, headers={**headers, "Accept-Encoding": "gzip"})
    assert zipped.headers["content-encoding"] == "gzip"
    plain = client.get(URL, headers={**headers, "Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers
    assert zipped.json() == plain.json()
    payload = client_api_state(context).payloads
    (cached,) = payload.entries._entries.values()
    assert gzip.decompress(cached.gzipped) == cached.body == plain.content


def test_features__two_processes_same_revision__same_etag_and_body(
    app: object, client: TestClient, context: AppContext
) -> None:
    from flagstaff.app import create_app

    make_flag(context, "a")
    secret = make_api_token(context)
    other_context = AppContext.build(context.settings, passwords=FAST_PASSWORDS)
    try:
        with TestClient(create_app(context.settings, other_context)) as other:
            mine = client.get(URL, headers={**auth(secret), "Accept-Encoding": "identity"})
            theirs = other.get(URL, headers={**auth(secret), "Accept-Encoding": "identity"})
        assert mine.headers["etag"] == theirs.headers["etag"]
        assert mine.content == theirs.content
    finally:
        other_context.database.dispose()


def test_features__cached__no_database_statement_per_request(
    client: TestClient, context: AppContext
) -> None:
    make_flag(context, "a")
    headers = auth(make_api_token(context))
    context.watcher.check_now()  # the poller has seen every change made so far
    etag = client.get(URL, headers=headers).headers["etag"]
    statements: list[str] = []

    def record(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        if "revision" not in statement:  # the watcher's poll runs on its own schedule
            statements.append(statement)

    event.listen(context.database.engine, "before_cursor_execute", record)
    try:
        for _ in range(20):
            assert client.get(URL, headers=headers).status_code == 200
            assert client.get(URL, headers={**headers, "If-None-Match": etag}).status_code == 304
    finally:
        event.remove(context.database.engine, "before_cursor_execute", record)
    assert [s for s in statements if s not in ("BEGIN", "COMMIT", "ROLLBACK")] == []


def test_features__revision_moves__only_current_payloads_kept(
    client: TestClient, context: AppContext
) -> None:
    make_flag(context, "a")
    headers = auth(make_api_token(context))
    client.get(URL, headers=headers)
    client.get(URL, headers={**headers, **MODERN})
    cache = client_api_state(context).payloads.entries
    assert len(cache) == 2
    set_enabled(context, "a", False)
    context.watcher.check_now()
    assert len(cache) == 0
    client.get(URL, headers=headers)
    assert len(cache) == 1


def test_features__deleted_token__refused(
    admin_client: TestClient, client: TestClient, context: AppContext
) -> None:
    secret = make_api_token(context)
    assert client.get(URL, headers=auth(secret)).status_code == 200
    assert admin_client.delete(f"/api/admin/api-tokens/{secret}").status_code == 200
    assert client.get(URL, headers=auth(secret)).status_code == 401


def test_feature__by_name__one_flag_or_404(client: TestClient, context: AppContext) -> None:
    make_flag(context, "a")
    headers = auth(make_api_token(context))
    response = client.get(URL + "/a", headers=headers)
    assert response.status_code == 200
    assert response.json()["name"] == "a"
    assert client.get(URL + "/nope", headers=headers).status_code == 404


def test_features__name_prefix_too_long__400(client: TestClient, context: AppContext) -> None:
    response = client.get(URL + "?namePrefix=" + "x" * 256, headers=auth(make_api_token(context)))
    assert response.status_code == 400
    assert "namePrefix" in response.json()["message"]
