"""The routes of this change in Flagstaff's OpenAPI document, under Unleash's operationIds."""

from __future__ import annotations

from fastapi.testclient import TestClient

EXPECTED = {
    ("get", "/api/admin/ui-config"): "getUiConfig",
    ("post", "/api/admin/ui-config/cors"): "setCors",
    ("get", "/api/admin/metrics/applications"): "getApplications",
    ("get", "/api/admin/metrics/applications/{appName}"): "getApplication",
    ("post", "/api/admin/metrics/applications/{appName}"): "createApplication",
    ("delete", "/api/admin/metrics/applications/{appName}"): "deleteApplication",
    ("get", "/api/admin/metrics/applications/{appName}/overview"): "getApplicationOverview",
    ("post", "/api/client/metrics/bulk"): "clientBulkMetrics",
    ("post", "/api/frontend/client/register"): "registerFrontendClient",
    ("post", "/api/frontend/client/metrics"): "registerFrontendMetrics",
    ("post", "/edge/validate"): "getValidTokens",
}


def test_openapi__routes__unleash_operation_ids(client: TestClient) -> None:
    paths = client.get("/docs/openapi.json").json()["paths"]
    found = {(m, p): paths[p][m]["operationId"] for m, p in EXPECTED if m in paths.get(p, {})}
    assert found == EXPECTED


def test_openapi__applications_query__unleash_parameters(client: TestClient) -> None:
    operation = client.get("/docs/openapi.json").json()["paths"]["/api/admin/metrics/applications"]
    names = {p["name"] for p in operation["get"]["parameters"]}
    assert names == {"query", "offset", "limit", "sortBy", "sortOrder"}
