"""``GET /internal-backstage/prometheus`` after real traffic (Admin API, Client API 200 and 304,
an unknown path), parsed with Prometheus's text parser: the series, labelled by route template
and never by raw path."""

from __future__ import annotations

import uuid
from collections.abc import Callable

from fastapi import FastAPI
from fastapi.testclient import TestClient

from flagstaff.http.context import AppContext
from flagstaff.metrics.requests import UNMATCHED
from flagstaff.startup.sdk_apis import FAST_PATH_PREFIXES, FAST_PATH_ROUTES
from tests.api.client_api.flags import make_flag
from tests.api.credentials.api_tokens.helpers import auth, make_api_token
from tests.api.metrics.helpers import PATH, Scrape, scrape

REQUESTS = "flagstaff_http_requests_total"
DURATION = "flagstaff_http_request_duration_seconds_bucket"
FLAG = "checkout-redesign"
FEATURE_ROUTE = "/api/admin/projects/{projectId}/features/{featureName}"


def _traffic(client: TestClient, admin: TestClient, context: AppContext) -> str:
    """Some of everything; returns the random path that was asked for (a 404)."""
    make_flag(context, FLAG)
    sdk = auth(make_api_token(context))
    assert admin.get("/api/admin/projects").status_code == 200
    assert admin.get(f"/api/admin/projects/default/features/{FLAG}").status_code == 200
    first = client.get("/api/client/features", headers=sdk)
    assert first.status_code == 200
    again = client.get(
        "/api/client/features", headers={**sdk, "If-None-Match": first.headers["etag"]}
    )
    assert again.status_code == 304
    assert client.get(f"/api/client/features/{FLAG}", headers=sdk).status_code == 200
    random_path = f"/no-such-page-{uuid.uuid4().hex}"
    assert client.get(random_path).status_code == 404
    return random_path


def test_scrape__after_traffic__requests_by_route_template_method_and_status(
    client: TestClient, admin_client: TestClient, context: AppContext
) -> None:
    before = scrape(client)
    random_path = _traffic(client, admin_client, context)
    after = scrape(client)

    def grew(name: str, **labels: str) -> float:
        return after.value(name, **labels) - before.value(name, **labels)

    client_features = {"route": "/api/client/features", "method": "GET"}
    assert grew(REQUESTS, **client_features, status="200") == 1
    assert grew(REQUESTS, **client_features, status="304") == 1
    assert grew(REQUESTS, route="/api/client/features/{featureName}", status="200") == 1
    assert grew(REQUESTS, route="/api/admin/projects", method="GET", status="200") == 1
    assert grew(REQUESTS, route=FEATURE_ROUTE, method="GET", status="200") == 1
    assert grew(REQUESTS, route=UNMATCHED, method="GET", status="404") == 1
    assert grew(DURATION, **client_features, status="200", le="+Inf") == 1
    assert after.families["flagstaff_http_request_duration_seconds"] == "histogram"

    labels = {value for sample in after.samples for value in sample.labels.values()}
    assert not [value for value in labels if FLAG in value or random_path in value]


def test_scrape__client_api__payload_cache_and_bytes_and_token_cache(
    client: TestClient, admin_client: TestClient, context: AppContext
) -> None:
    before = scrape(client)
    _traffic(client, admin_client, context)
    after = scrape(client)

    def grew(name: str, **labels: str) -> float:
        return after.value(name, **labels) - before.value(name, **labels)

    cache = "flagstaff_client_payload_cache_requests_total"
    assert grew(cache, result="miss") >= 1  # the first answer of this test's database
    assert grew(cache, result="hit") >= 2  # the 304 and the single flag
    sent = grew("flagstaff_client_payload_bytes_total", encoding="identity")
    sent += grew("flagstaff_client_payload_bytes_total", encoding="gzip")
    assert sent > len(FLAG)
    tokens = "flagstaff_token_auth_cache_requests_total"
    assert grew(tokens, result="miss") >= 1  # the SDK token's first use
    assert grew(tokens, result="hit") >= 2


def test_scrape__one_process__revision_pool_jobs_streams_and_process_metrics(
    client: TestClient, context: AppContext
) -> None:
    found = scrape(client)

    assert found.value("flagstaff_revision") == context.watcher.current
    assert "flagstaff_revision_lag_seconds" in found.names
    assert found.value("flagstaff_db_pool_size") >= 1
    assert "flagstaff_db_pool_checked_out" in found.names
    assert "flagstaff_db_pool_overflow" in found.names
    assert "revision-watcher" in found.label_values("flagstaff_job_failures_total", "job")
    assert "revision-watcher" in found.label_values("flagstaff_job_duration_seconds_count", "job")
    assert "flagstaff_client_streams_open" in found.names
    assert "process_cpu_seconds_total" in found.names  # prometheus_client's own collectors
    assert "python_info" in found.names


def test_scrape__every_route_label__a_template_a_fast_path_route_or_unmatched(
    app: FastAPI, client: TestClient, admin_client: TestClient, context: AppContext
) -> None:
    before = scrape(client)
    _traffic(client, admin_client, context)
    client.request("BREW", "/health")  # an unknown method is one label value, not one each
    after = scrape(client)
    grown = [
        s.labels
        for s in after.samples
        if s.name == REQUESTS and s.value > before.value(REQUESTS, **s.labels)
    ]

    templates = {getattr(route, "path_format", None) for route in app.routes}
    templates |= set(FAST_PATH_ROUTES.values()) | {label for *_, label in FAST_PATH_PREFIXES}
    for included in app.router.routes:
        contexts = getattr(included, "effective_route_contexts", None)
        if contexts is not None:
            templates |= {c.path_format for c in contexts()}
    assert {labels["route"] for labels in grown} - templates == {UNMATCHED}
    assert {labels["method"] for labels in grown} == {"GET", "OTHER"}


def test_scrape__open_by_default__no_credential_needed(
    new_client: Callable[[], TestClient],
) -> None:
    found: Scrape = scrape(new_client())

    assert REQUESTS in found.names or "flagstaff_revision" in found.names


def test_scrape__wrong_method__405_without_touching_anything(client: TestClient) -> None:
    assert client.post(PATH, json={}).status_code == 405
