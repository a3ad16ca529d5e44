from __future__ import annotations

from typing import Any

import orjson
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from flagstaff.applications.models import ClientApplication, ClientInstance
from flagstaff.applications.state import metrics_buffer
from flagstaff.events.models import Event
from flagstaff.flags.metrics.models import ClientMetric, ClientMetricVariant
from flagstaff.http.context import AppContext
from tests.api.client_api.flags import make_flag
from tests.api.credentials.api_tokens.helpers import auth, make_api_token

METRICS = "/api/client/metrics"
REGISTER = "/api/client/register"
START = "2026-11-27T10:05:00Z"


def bucket(toggles: dict[str, Any], start: object = START) -> dict[str, Any]:
    return {"start": start, "stop": "2026-11-27T10:15:00Z", "toggles": toggles}


def _rows(context: AppContext) -> int:
    metrics_buffer(context).flush()
    with context.database.session(write=False) as session:
        return session.execute(select(func.count()).select_from(ClientMetric)).scalar_one()


def test_metrics__sdk_report__accepted_and_summed_per_hour(
    client: TestClient, admin_client: TestClient, context: AppContext
) -> None:
    make_flag(context, "checkout")
    headers = auth(make_api_token(context))
    report = {
        "appName": "shop",
        "instanceId": "pod-1",
        "bucket": bucket({"checkout": {"yes": 3, "no": 1, "variants": {"blue": 2}}}),
    }
    assert client.post(METRICS, json=report, headers=headers).status_code == 202
    assert client.post(METRICS, json=report, headers=headers).status_code == 202
    late = {**report, "bucket": bucket({"checkout": {"yes": 1, "no": 0}}, "2026-11-27T10:59:59Z")}
    assert client.post(METRICS, json=late, headers=headers).status_code == 202
    metrics_buffer(context).flush()
    body = admin_client.get("/api/admin/client-metrics/features/checkout/raw").json()
    # Reported in the past: outside the 48-hour window of the raw view, but stored.
    assert body["version"] == 1
    with context.database.session(write=False) as session:
        (row,) = session.scalars(select(ClientMetric)).all()
    assert (row.app_name, row.environment, row.yes, row.no) == ("shop", "development", 7, 2)
    assert row.timestamp.isoformat() == "2026-11-27T10:00:00+00:00"


def test_metrics__recent__visible_in_admin_views(
    client: TestClient, admin_client: TestClient, context: AppContext
) -> None:
    from datetime import UTC, datetime

    make_flag(context, "checkout")
    now = datetime.now(UTC).isoformat().replace("+00:00", "Z")
    report = {"appName": "shop", "bucket": bucket({"checkout": {"yes": 2, "no": 5}}, now)}
    assert (
        client.post(METRICS, json=report, headers=auth(make_api_token(context))).status_code == 202
    )
    raw = admin_client.get("/api/admin/client-metrics/features/checkout/raw").json()
    assert [(d["appName"], d["yes"], d["no"]) for d in raw["data"]] == [("shop", 2, 5)]
    summary = admin_client.get("/api/admin/client-metrics/features/checkout").json()
    assert summary["seenApplications"] == ["shop"]
    assert summary["lastHourUsage"][0]["yes"] == 2


def test_metrics__unknown_flag__accepted_not_stored(
    client: TestClient, context: AppContext
) -> None:
    report = {"appName": "shop", "bucket": bucket({"ghost": {"yes": 1, "no": 0}})}
    assert (
        client.post(METRICS, json=report, headers=auth(make_api_token(context))).status_code == 202
    )
    assert _rows(context) == 0


def test_metrics__two_processes__counts_add_up(client: TestClient, context: AppContext) -> None:
    from flagstaff.applications.buffer import MetricsBuffer
    from flagstaff.applications.reports import METRICS as SCHEMA

    make_flag(context, "checkout")
    report = SCHEMA.validate_json(
        orjson.dumps({"appName": "shop", "bucket": bucket({"checkout": {"yes": 1, "no": 1}})})
    )
    first, second = MetricsBuffer(context.database), MetricsBuffer(context.database)
    first.add_metrics(report, "development")
    second.add_metrics(report, "development")
    first.flush()
    second.flush()
    with context.database.session(write=False) as session:
        (row,) = session.scalars(select(ClientMetric)).all()
    assert (row.yes, row.no) == (2, 2)


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"appName": ""},
        {"appName": 5},
        {"appName": "a" * 256},
        [],
        "shop",
        {"appName": "shop", "bucket": {"start": START, "stop": START}},
        {"appName": "shop", "bucket": bucket({"x": {"yes": -1}})},
        {"appName": "shop", "bucket": bucket({"x": {"yes": "many"}})},
        {"appName": "shop", "bucket": bucket({"x": {"yes": 1.5}})},
        {"appName": "shop", "bucket": bucket({"x": {"variants": {"blue": -2}}})},
        {"appName": "shop", "bucket": bucket({"x": {"yes": 1}}, "yesterday")},
        {"appName": "shop", "bucket": bucket({"x" * 300: {"yes": 1}})},
        {"appName": "shop", "bucket": "full"},
        {"appName": "sh\x00op", "bucket": bucket({"x": {"yes": 1}})},
        {"appName": "shop", "bucket": bucket({"x": {"yes": 1, "variants": {"b\x00": 1}}})},
    ],
)
def test_metrics__malformed__400_nothing_counted(
    client: TestClient, context: AppContext, body: Any
) -> None:
    make_flag(context, "x")
    response = client.post(METRICS, json=body, headers=auth(make_api_token(context)))
    assert response.status_code == 400, response.text
    error = response.json()
    assert error["name"] == "BadDataError"
    assert error["details"]
    assert _rows(context) == 0


def test_metrics__not_json__400(client: TestClient, context: AppContext) -> None:
    response = client.post(
        METRICS,
        content=b'{"appName": "shop"',
        headers={**auth(make_api_token(context)), "Content-Type": "application/json"},
    )
    assert response.status_code == 400
    assert response.json()["details"][0]["message"] == "The request body is not valid JSON."


def test_metrics__wrong_content_type__415(client: TestClient, context: AppContext) -> None:
    response = client.post(
        METRICS,
        content=b"appName=shop",
        headers={**auth(make_api_token(context)), "Content-Type": "text/plain"},
    )
    assert response.status_code == 415


@pytest.mark.parametrize("kind", ["frontend", "admin"])
def test_metrics__wrong_token_type__403(client: TestClient, context: AppContext, kind: str) -> None:
    secret = make_api_token(context, kind, environment="*" if kind == "admin" else "development")
    response = client.post(METRICS, json={"appName": "shop"}, headers=auth(secret))
    assert response.status_code == 403


def test_metrics__no_token__401(client: TestClient) -> None:
    assert client.post(METRICS, json={"appName": "shop"}).status_code == 401


def test_register__sdk__202_and_instance_stored(client: TestClient, context: AppContext) -> None:
    body = {
        "appName": "shop",
        "instanceId": "pod-1",
        "sdkVersion": "unleash-python-sdk:6.9.1",
        "interval": 15000,
        "started": START,
        "strategies": ["default", "flexibleRollout"],
    }
    assert (
        client.post(REGISTER, json=body, headers=auth(make_api_token(context))).status_code == 202
    )
    metrics_buffer(context).flush()
    with context.database.session(write=False) as session:
        (instance,) = session.scalars(select(ClientInstance)).all()
    assert (instance.app_name, instance.instance_id, instance.environment) == (
        "shop",
        "pod-1",
        "development",
    )


@pytest.mark.parametrize(
    "body",
    [
        {"appName": "shop"},
        {"appName": "shop", "interval": "often", "started": START, "strategies": []},
        {"appName": "shop", "interval": 1, "started": "dawn", "strategies": []},
        {"appName": "shop", "interval": 1, "started": START, "strategies": "default"},
        {"interval": 1, "started": START, "strategies": []},
    ],
)
def test_register__malformed__400(client: TestClient, context: AppContext, body: Any) -> None:
    response = client.post(REGISTER, json=body, headers=auth(make_api_token(context)))
    assert response.status_code == 400


def test_raw_metrics__unknown_flag__404(admin_client: TestClient) -> None:
    assert admin_client.get("/api/admin/client-metrics/features/ghost/raw").status_code == 404
    assert admin_client.get("/api/admin/client-metrics/features/ghost").status_code == 404


def test_raw_metrics__client_token__403(client: TestClient, context: AppContext) -> None:
    make_flag(context, "x")
    response = client.get(
        "/api/admin/client-metrics/features/x/raw", headers=auth(make_api_token(context))
    )
    assert response.status_code == 403


BULK = "/api/client/metrics/bulk"


def _metric(name: str = "checkout", environment: str = "development", **extra: Any) -> Any:
    return {
        "featureName": name,
        "appName": "shop",
        "environment": environment,
        "timestamp": START,
        "yes": 3,
        "no": 1,
        **extra,
    }


def _edge_app(environment: str = "development", app: str = "shop") -> dict[str, Any]:
    return {
        "appName": app,
        "instanceId": "pod-1",
        "environment": environment,
        "interval": 15,
        "started": START,
        "strategies": ["default"],
        "sdkVersion": "unleash-node-sdk:6.6.0",
        "connectVia": [{"appName": "unleash-edge", "instanceId": "edge-1"}],
    }


def _counts(context: AppContext) -> list[tuple[str, str, str, int, int]]:
    metrics_buffer(context).flush()
    with context.database.session(write=False) as session:
        return [
            (r.feature_name, r.app_name, r.environment, r.yes, r.no)
            for r in session.scalars(select(ClientMetric).order_by(ClientMetric.environment))
        ]


def test_bulk__edge_batch__202_counted_and_registered(
    client: TestClient, context: AppContext
) -> None:
    make_flag(context, "checkout")
    body = {
        "applications": [_edge_app()],
        "metrics": [_metric(variants={"blue": 2}), _metric(yes=1, no=0)],
    }
    response = client.post(BULK, json=body, headers=auth(make_api_token(context)))
    assert response.status_code == 202
    assert response.content == b""
    assert _counts(context) == [("checkout", "shop", "development", 4, 1)]
    with context.database.session(write=False) as session:
        (instance,) = session.scalars(select(ClientInstance)).all()
        (variant,) = session.scalars(select(ClientMetricVariant)).all()
    assert (instance.app_name, instance.instance_id, instance.environment) == (
        "shop",
        "pod-1",
        "development",
    )
    assert instance.sdk_version == "unleash-node-sdk:6.6.0"
    assert (variant.variant, variant.count) == ("blue", 2)


def test_bulk__other_environment__not_counted(client: TestClient, context: AppContext) -> None:
    make_flag(context, "checkout")
    body = {
        "applications": [_edge_app("production", app="elsewhere")],
        "metrics": [_metric(environment="production"), _metric()],
    }
    headers = auth(make_api_token(context, environment="development"))
    assert client.post(BULK, json=body, headers=headers).status_code == 202
    assert _counts(context) == [("checkout", "shop", "development", 3, 1)]
    with context.database.session(write=False) as session:
        assert session.scalars(select(ClientInstance)).all() == []
        names = set(session.scalars(select(ClientApplication.app_name)))
    assert names == {"shop"}


def test_bulk__no_timestamp__current_hour(client: TestClient, context: AppContext) -> None:
    from datetime import UTC, datetime

    def hour() -> datetime:
        return datetime.now(UTC).replace(minute=0, second=0, microsecond=0)

    make_flag(context, "checkout")
    metric = _metric()
    del metric["timestamp"]
    body = {"applications": [], "metrics": [metric]}
    before = hour()
    assert client.post(BULK, json=body, headers=auth(make_api_token(context))).status_code == 202
    metrics_buffer(context).flush()
    with context.database.session(write=False) as session:
        (row,) = session.scalars(select(ClientMetric)).all()
    assert row.timestamp in (before, hour())


def test_bulk__empty__202(client: TestClient, context: AppContext) -> None:
    body: dict[str, Any] = {"applications": [], "metrics": []}
    assert client.post(BULK, json=body, headers=auth(make_api_token(context))).status_code == 202
    assert _counts(context) == []


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"metrics": []},
        {"applications": []},
        {"applications": {}, "metrics": []},
        {"applications": [], "metrics": [_metric(yes=-1)]},
        {"applications": [], "metrics": [_metric(yes="1")]},
        {"applications": [], "metrics": [_metric(yes=2**60)]},
        {"applications": [], "metrics": [_metric(timestamp="noon")]},
        {"applications": [], "metrics": [_metric(variants={"blue": -1})]},
        {"applications": [], "metrics": [{"featureName": "checkout", "appName": "shop"}]},
        {"applications": [], "metrics": [_metric(name="x" * 256)]},
        {"applications": [], "metrics": [_metric(appName="sh\x00op")]},
        {"applications": [{"appName": "shop"}], "metrics": []},
        {"applications": [{**_edge_app(), "strategies": "default"}], "metrics": []},
        {"applications": [{**_edge_app(), "interval": -1}], "metrics": []},
        {"applications": [], "metrics": [_metric()] * 100_001},
        [],
    ],
)
def test_bulk__malformed__400_nothing_counted(
    client: TestClient, context: AppContext, body: Any
) -> None:
    make_flag(context, "checkout")
    response = client.post(BULK, json=body, headers=auth(make_api_token(context)))
    assert response.status_code in (400, 413), response.text
    assert set(response.json()) >= {"id", "name", "message", "details"}
    assert _counts(context) == []
    with context.database.session(write=False) as session:
        assert session.scalars(select(ClientApplication)).all() == []


@pytest.mark.parametrize("kind", ["frontend", "admin"])
def test_bulk__wrong_token_type__403(client: TestClient, context: AppContext, kind: str) -> None:
    secret = make_api_token(context, kind, environment="*" if kind == "admin" else "development")
    body: dict[str, Any] = {"applications": [], "metrics": []}
    response = client.post(BULK, json=body, headers=auth(secret))
    assert response.status_code == 403
    assert response.json()["name"] == "InvalidTokenError"


def test_bulk__account_token__403(client: TestClient, admin_client: TestClient) -> None:
    from tests.api.service_accounts.helpers import bearer, create_account, create_token

    account = create_account(admin_client, role="Admin")
    secret = create_token(admin_client, account["id"])["secret"]
    body: dict[str, Any] = {"applications": [], "metrics": []}
    assert client.post(BULK, json=body, headers=bearer(secret)).status_code == 403


def test_bulk__no_token__401(client: TestClient) -> None:
    assert client.post(BULK, json={"applications": [], "metrics": []}).status_code == 401


def test_bulk__documented(client: TestClient) -> None:
    paths = client.get("/docs/openapi.json").json()["paths"]
    assert paths[BULK]["post"]["operationId"] == "clientBulkMetrics"


def test_register__new_application__created_once_with_event(
    client: TestClient, context: AppContext
) -> None:
    body = {"appName": "shop", "interval": 1, "started": START, "strategies": []}
    headers = auth(make_api_token(context))
    for instance in ("pod-1", "pod-2"):
        response = client.post(REGISTER, json={**body, "instanceId": instance}, headers=headers)
        assert response.status_code == 202
    report = {"appName": "shop", "bucket": bucket({})}
    assert client.post(METRICS, json=report, headers=headers).status_code == 202
    metrics_buffer(context).flush()
    assert client.post(REGISTER, json=body, headers=headers).status_code == 202
    metrics_buffer(context).flush()
    with context.database.session(write=False) as session:
        (app,) = session.scalars(select(ClientApplication)).all()
        events = session.scalars(select(Event).where(Event.type == "application-created")).all()
    assert app.app_name == "shop"
    assert app.created_by == "unleash_system_user"
    assert [((e.data or {})["appName"], e.created_by_user_id) for e in events] == [("shop", -1337)]


def test_metrics__report__registers_application(client: TestClient, context: AppContext) -> None:
    report = {"appName": "reporter"}
    headers = auth(make_api_token(context))
    assert client.post(METRICS, json=report, headers=headers).status_code == 202
    metrics_buffer(context).flush()
    with context.database.session(write=False) as session:
        assert list(session.scalars(select(ClientApplication.app_name))) == ["reporter"]


def test_applications__two_buffers_same_name__one_row_one_event(context: AppContext) -> None:
    from flagstaff.applications.buffer import MetricsBuffer
    from flagstaff.applications.reports import METRICS as SCHEMA

    report = SCHEMA.validate_json(orjson.dumps({"appName": "shop"}))
    first, second = MetricsBuffer(context.database), MetricsBuffer(context.database)
    first.add_metrics(report, "development")
    second.add_metrics(report, "production")
    first.flush()
    second.flush()
    with context.database.session(write=False) as session:
        assert len(session.scalars(select(ClientApplication)).all()) == 1
        events = session.scalars(select(Event).where(Event.type == "application-created")).all()
    assert len(events) == 1
