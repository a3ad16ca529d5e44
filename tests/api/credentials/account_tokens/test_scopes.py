"""Token scopes: narrower than the account, decided by the one policy function, checked at
creation, kept by successors, shown in lists and in the access overview."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

from flagstaff.http.context import AppContext
from tests.api.credentials.account_tokens.helpers import (
    BASE,
    assert_error,
    bearer,
    create_account,
    in_days,
    rotate,
    tokens,
)
from tests.factories import login, make_user

FEATURES = "/api/admin/projects/{project}/features"


def _scoped(admin: TestClient, scopes: dict[str, Any], role: str = "Admin") -> tuple[int, str]:
    account = create_account(admin, f"service-{abs(hash(str(scopes))) % 10**8}", role=role)
    response = admin.post(
        f"{BASE}/{account['id']}/token",
        json={"description": "scoped", "expiresAt": in_days(30), "scopes": scopes},
    )
    assert response.status_code == 201, response.text
    return account["id"], response.json()["secret"]


def _project(admin: TestClient, project_id: str) -> None:
    response = admin.post("/api/admin/projects", json={"id": project_id, "name": project_id})
    assert response.status_code in (200, 201), response.text


def _create_flag(client: TestClient, secret: str, project: str, name: str) -> Any:
    return client.post(
        FEATURES.format(project=project), json={"name": name}, headers=bearer(secret)
    )


def _toggle(client: TestClient, secret: str, project: str, flag: str, env: str) -> Any:
    path = f"{FEATURES.format(project=project)}/{flag}/environments/{env}/on"
    return client.post(path, headers=bearer(secret))


def test_read_scope__reads_pass_every_write_refused(
    admin_client: TestClient, new_client: Callable[[], TestClient]
) -> None:
    _, secret = _scoped(admin_client, {"permissions": "read"})
    caller = new_client()
    assert caller.get("/api/admin/projects", headers=bearer(secret)).status_code == 200
    assert caller.get("/api/admin/user-admin", headers=bearer(secret)).status_code == 200
    assert_error(_create_flag(caller, secret, "default", "nope"), 403, "read-only")
    assert_error(
        caller.post("/api/admin/user/tokens", json={}, headers=bearer(secret)), 403, "read-only"
    )


def test_permission_scope__only_those_permissions(
    admin_client: TestClient, new_client: Callable[[], TestClient]
) -> None:
    _, secret = _scoped(admin_client, {"permissions": ["CREATE_FEATURE"]})
    caller = new_client()
    assert _create_flag(caller, secret, "default", "allowed-flag").status_code == 201
    assert_error(_toggle(caller, secret, "default", "allowed-flag", "development"), 403)
    assert_error(caller.get("/api/admin/user-admin", headers=bearer(secret)), 403)


def test_project_scope__other_projects_refused_even_to_read(
    admin_client: TestClient, new_client: Callable[[], TestClient]
) -> None:
    _project(admin_client, "checkout")
    _, secret = _scoped(admin_client, {"projects": ["checkout"]})
    caller = new_client()
    assert _create_flag(caller, secret, "checkout", "in-scope").status_code == 201
    assert_error(_create_flag(caller, secret, "default", "elsewhere"), 403, "'default'")
    read = caller.get(FEATURES.format(project="default"), headers=bearer(secret))
    assert_error(read, 403, "not scoped to the project")
    # Root actions (here: creating a project) are beyond a project-limited token.
    created = caller.post(
        "/api/admin/projects", json={"id": "more", "name": "More"}, headers=bearer(secret)
    )
    assert created.status_code == 403


def test_project_scope__search_sees_only_its_projects(
    admin_client: TestClient, new_client: Callable[[], TestClient]
) -> None:
    _project(admin_client, "checkout")
    admin_client.post(FEATURES.format(project="checkout"), json={"name": "mine"})
    admin_client.post(FEATURES.format(project="default"), json={"name": "theirs"})
    _, secret = _scoped(admin_client, {"projects": ["checkout"]})
    found = new_client().get("/api/admin/search/features", headers=bearer(secret)).json()
    assert [f["name"] for f in found["features"]] == ["mine"]


def test_environment_scope__other_environments_refused(
    admin_client: TestClient, new_client: Callable[[], TestClient]
) -> None:
    admin_client.post(FEATURES.format(project="default"), json={"name": "door"})
    _, secret = _scoped(admin_client, {"environments": ["development"]})
    caller = new_client()
    assert _toggle(caller, secret, "default", "door", "development").status_code == 200
    assert_error(_toggle(caller, secret, "default", "door", "production"), 403, "'production'")


def test_scope__never_more_than_the_account(
    admin_client: TestClient, new_client: Callable[[], TestClient]
) -> None:
    _, secret = _scoped(admin_client, {"permissions": ["CREATE_FEATURE", "ADMIN"]}, role="Viewer")
    assert_error(_create_flag(new_client(), secret, "default", "viewer-cannot"), 403)


def test_scope__shown_in_lists_and_kept_by_the_successor(
    admin_client: TestClient, new_client: Callable[[], TestClient]
) -> None:
    scopes = {"permissions": ["UPDATE_FEATURE"], "projects": ["default"]}
    account_id, _ = _scoped(admin_client, scopes)
    [listed] = tokens(admin_client, account_id)
    assert listed["scopes"] == {**scopes, "environments": None}
    successor = rotate(admin_client, account_id, listed["id"], graceSeconds=60).json()
    assert successor["scopes"] == listed["scopes"]
    assert_error(_create_flag(new_client(), successor["secret"], "default", "x"), 403)


@pytest.mark.parametrize(
    ("scopes", "named"),
    [
        ({"permissions": ["FLY_TO_MOON", "CREATE_FEATURE"]}, "FLY_TO_MOON"),
        ({"permissions": ["NONE"]}, "NONE"),
        ({"projects": ["nowhere"]}, "nowhere"),
        ({"environments": ["mars"]}, "mars"),
    ],
)
def test_scope__unknown_names__400_naming_them(
    admin_client: TestClient, scopes: dict[str, Any], named: str
) -> None:
    account = create_account(admin_client, "service-unknown")
    response = admin_client.post(
        f"{BASE}/{account['id']}/token",
        json={"description": "x", "expiresAt": in_days(3), "scopes": scopes},
    )
    assert_error(response, 400, named)
    assert tokens(admin_client, account["id"]) == []


@pytest.mark.parametrize(
    "scopes",
    [
        {},
        {"permissions": "write"},
        {"permissions": []},
        {"projects": "default"},
        {"environments": [1]},
        {"permissions": ["X"] * 101},
        {"projects": ["x" * 256]},
    ],
)
def test_scope__bad_shape__400(admin_client: TestClient, scopes: dict[str, Any]) -> None:
    account = create_account(admin_client, "service-shape")
    response = admin_client.post(
        f"{BASE}/{account['id']}/token",
        json={"description": "x", "expiresAt": in_days(3), "scopes": scopes},
    )
    assert_error(response, 400)


def test_scope__beyond_the_creators_own_permissions__403(
    new_client: Callable[[], TestClient], context: AppContext
) -> None:
    editor = make_user(context, role="Editor")
    session = login(new_client(), editor.username)
    response = session.post(
        "/api/admin/user/tokens",
        json={"description": "x", "expiresAt": in_days(3), "scopes": {"permissions": ["ADMIN"]}},
    )
    assert_error(response, 403, "you do not hold it")
    narrow = session.post(
        "/api/admin/user/tokens",
        json={
            "description": "y",
            "expiresAt": in_days(3),
            "scopes": {"permissions": ["UPDATE_FEATURE"], "projects": ["default"]},
        },
    )
    assert narrow.status_code == 201, narrow.text


def test_scoped_token__cannot_mint_a_wider_one(
    new_client: Callable[[], TestClient], context: AppContext
) -> None:
    person = make_user(context, role="Editor")
    session = login(new_client(), person.username)
    scoped = session.post(
        "/api/admin/user/tokens",
        json={"description": "ro", "expiresAt": in_days(3), "scopes": {"permissions": "read"}},
    ).json()
    other = session.post(
        "/api/admin/user/tokens", json={"description": "full", "expiresAt": in_days(3)}
    ).json()
    caller = new_client()
    for path, body in (
        ("/api/admin/user/tokens", {"description": "z", "expiresAt": in_days(3)}),
        (f"/api/admin/user/tokens/{other['id']}/rotate", {}),
    ):
        response = caller.post(path, json=body, headers=bearer(scoped["secret"]))
        assert response.status_code == 403, response.text


def test_access_overview__for_a_token__its_effective_permissions(admin_client: TestClient) -> None:
    account_id, _ = _scoped(admin_client, {"permissions": ["UPDATE_FEATURE"]})
    [token] = tokens(admin_client, account_id)
    whole = admin_client.get(f"{BASE}/{account_id}/permissions", params={"project": "default"})
    scoped = admin_client.get(
        f"{BASE}/{account_id}/permissions", params={"project": "default", "tokenId": token["id"]}
    )
    assert scoped.status_code == 200, scoped.text

    def held(body: dict[str, Any]) -> set[str]:
        rows = body["overview"]["project"] + body["overview"]["root"]
        return {row["name"] for row in rows if row["hasPermission"]}

    assert "CREATE_FEATURE" in held(whole.json())
    assert held(scoped.json()) == {"UPDATE_FEATURE"}
    assert scoped.json()["token"]["id"] == token["id"]
    missing = admin_client.get(f"{BASE}/{account_id}/permissions", params={"tokenId": 999999})
    assert_error(missing, 404)


def test_me__scoped_token__lists_its_effective_permissions(
    admin_client: TestClient, new_client: Callable[[], TestClient]
) -> None:
    _, secret = _scoped(admin_client, {"permissions": ["UPDATE_FEATURE"], "projects": ["default"]})
    body = new_client().get("/api/admin/user", headers=bearer(secret)).json()
    assert body["user"]["accountType"] == "Service Account"
    assert body["permissions"] == [{"project": "default", "permission": "UPDATE_FEATURE"}]
