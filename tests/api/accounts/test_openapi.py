"""The user routes in Flagstaff's OpenAPI document: Unleash's operationIds, valid schemas."""

from __future__ import annotations

from fastapi.testclient import TestClient

EXPECTED = {
    ("get", "/api/admin/user"): "getMe",
    ("post", "/api/admin/user/change-password"): "changeMyPassword",
    ("get", "/api/admin/user-admin"): "getUsers",
    ("post", "/api/admin/user-admin"): "createUser",
    ("get", "/api/admin/user-admin/search"): "searchUsers",
    ("get", "/api/admin/user-admin/access"): "getBaseUsersAndGroups",
    ("get", "/api/admin/user-admin/admin-count"): "getAdminCount",
    ("post", "/api/admin/user-admin/validate-password"): "validateUserPassword",
    ("get", "/api/admin/user-admin/{id}"): "getUser",
    ("put", "/api/admin/user-admin/{id}"): "updateUser",
    ("delete", "/api/admin/user-admin/{id}"): "deleteUser",
    ("post", "/api/admin/user-admin/{id}/change-password"): "changeUserPassword",
    ("post", "/auth/simple/login"): "login",
}


def test_openapi__user_routes__unleash_operation_ids(client: TestClient) -> None:
    paths = client.get("/docs/openapi.json").json()["paths"]

    found = {(m, p): paths[p][m]["operationId"] for m, p in EXPECTED if m in paths.get(p, {})}

    assert found == EXPECTED


def test_openapi__user_id__integer_with_json_schema_bounds(client: TestClient) -> None:
    operation = client.get("/docs/openapi.json").json()["paths"]["/api/admin/user-admin/{id}"]

    for method in ("get", "put", "delete"):
        (parameter,) = operation[method]["parameters"]
        assert parameter["schema"]["type"] == "integer"
        assert parameter["schema"]["minimum"] == 1
        assert "ge" not in parameter["schema"]
