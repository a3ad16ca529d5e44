from __future__ import annotations

from typing import Any

import orjson
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from flagstaff.client_api.models import ClientInstance, ClientMetric
from flagstaff.client_api.state import client_api_state
from flagstaff.context import AppContext
from tests.api.api_tokens.helpers import auth, make_api_token
from tests.api.client_api.flags import make_flag

METRICS = "/api/client/metrics"
REGISTER = "/api/client/register"
START = "2026-11-27T10:05:00Z"


def bucket(toggles: dict[str, Any], start: object = START) -> dict[str, Any]:
    return {"start": start, "stop": "2026-11-27T10:15:00Z", "toggles": toggles}


def _rows(context: AppContext) -> int:
    client_api_state(context).metrics.flush()
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
    client_api_state(context).metrics.flush()
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
    from flagstaff.client_api.metrics import MetricsBuffer
    from flagstaff.client_api.schemas import METRICS as SCHEMA

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
    client_api_state(context).metrics.flush()
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
