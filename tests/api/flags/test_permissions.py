"""Who may change flags where: every write goes through the one ``is_allowed``.

Editor works in ``default`` only; Viewer nowhere; a Viewer who is Member or Owner of
``checkout`` works in ``checkout`` only; Admin everywhere. Reads need only an account.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient
from httpx import Response

from flagstaff.http.context import AppContext
from flagstaff.rbac.predefined import MEMBER_ROLE_ID, OWNER_ROLE_ID
from tests.api.flags.support import (
    add_strategy,
    create_flag,
    env_url,
    features_url,
    make_caller,
    make_project,
    seed_environment_variants,
)

CALLERS = {
    # name: (root role, project roles, projects where flag work is allowed)
    "admin": ("Admin", {}, {"default", "checkout"}),
    "editor": ("Editor", {}, {"default"}),
    "viewer": ("Viewer", {}, set()),
    "checkout-member": ("Viewer", {"checkout": MEMBER_ROLE_ID}, {"checkout"}),
    "checkout-owner": ("Viewer", {"checkout": OWNER_ROLE_ID}, {"checkout"}),
}


@dataclass
class World:
    caller: TestClient
    admin: TestClient
    strategy_ids: dict[str, str]


@pytest.fixture
def world(
    admin_client: TestClient, context: AppContext, new_client: Callable[[], TestClient]
) -> Callable[[str], World]:
    make_project(context, "checkout")
    strategy_ids = {}
    for project in ("default", "checkout"):
        for name in (f"{project}-flag", f"{project}-parent", f"{project}-doomed"):
            create_flag(admin_client, name, project=project)
        strategy_ids[project] = add_strategy(admin_client, f"{project}-flag", project=project)["id"]
        # Unleash 8 changes environment variants only on flags that have some.
        seed_environment_variants(
            admin_client, f"{project}-flag", [{"name": "seed", "weight": 1}], project=project
        )

    def build(caller: str) -> World:
        role, projects, _ = CALLERS[caller]
        client = (
            admin_client
            if caller == "admin"
            else make_caller(context, new_client, role, projects).client
        )
        return World(client, admin_client, strategy_ids)

    return build


def flag_writes(world: World, project: str) -> dict[str, Response]:
    c = world.caller
    flag = f"{project}-flag"
    strategies = env_url(flag, project=project) + "/strategies"
    strategy = f"{strategies}/{world.strategy_ids[project]}"
    return {
        "create flag": c.post(features_url(project), json={"name": f"{project}-new"}),
        "update flag": c.put(features_url(project, flag), json={"description": "d"}),
        "patch flag": c.patch(
            features_url(project, flag), json=[{"op": "replace", "path": "/stale", "value": True}]
        ),
        "add strategy": c.post(strategies, json={"name": "default"}),
        "update strategy": c.put(strategy, json={"name": "default", "title": "t"}),
        "toggle on": c.post(env_url(flag, project=project) + "/on"),
        "environment variants": c.put(
            env_url(flag, project=project) + "/variants", json=[{"name": "v", "weight": 1}]
        ),
        "dependency": c.post(
            features_url(project, flag, "dependencies"), json={"feature": f"{project}-parent"}
        ),
        "delete strategy": c.delete(strategy),
        "archive flag": c.delete(features_url(project, f"{project}-doomed")),
    }


@pytest.mark.parametrize("caller", list(CALLERS))
@pytest.mark.parametrize("project", ["default", "checkout"])
def test_flag_writes__by_caller_and_project__allowed_exactly_where_granted(
    world: Callable[[str], World], caller: str, project: str
) -> None:
    allowed = project in CALLERS[caller][2]
    results = flag_writes(world(caller), project)
    for operation, response in results.items():
        if allowed:
            assert response.status_code < 300, f"{operation}: {response.text}"
        else:
            assert response.status_code == 403, f"{operation}: {response.text}"
            assert response.json()["name"] == "PermissionError"


@pytest.mark.parametrize("caller", list(CALLERS))
def test_flag_reads__any_account__200(world: Callable[[str], World], caller: str) -> None:
    client = world(caller).caller
    for url in (
        features_url("checkout"),
        features_url("checkout", "checkout-flag"),
        env_url("checkout-flag", project="checkout") + "/strategies",
        "/api/admin/segments",
        "/api/admin/strategies",
        "/api/admin/environments",
        "/api/admin/archive/features",
    ):
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize(
    ("caller", "status"), [("admin", 200), ("editor", 403), ("checkout-member", 200)]
)
def test_revive__needs_update_feature_in_flag_project(
    world: Callable[[str], World], caller: str, status: int
) -> None:
    w = world(caller)
    w.admin.delete(features_url("checkout", "checkout-doomed"))
    response = w.caller.post("/api/admin/archive/revive/checkout-doomed")
    assert response.status_code == status, response.text


@pytest.mark.parametrize(("caller", "status"), [("editor", 403), ("checkout-owner", 200)])
def test_delete_archived__needs_delete_feature_in_flag_project(
    world: Callable[[str], World], caller: str, status: int
) -> None:
    w = world(caller)
    w.admin.delete(features_url("checkout", "checkout-doomed"))
    assert w.caller.delete("/api/admin/archive/checkout-doomed").status_code == status


@pytest.mark.parametrize(("caller", "status"), [("editor", 201), ("viewer", 403)])
def test_strategy_definitions__root_permission(
    world: Callable[[str], World], caller: str, status: int
) -> None:
    response = world(caller).caller.post(
        "/api/admin/strategies", json={"name": "custom", "parameters": []}
    )
    assert response.status_code == status, response.text


@pytest.mark.parametrize(("caller", "status"), [("checkout-owner", 200), ("editor", 403)])
def test_project_settings__owner_of_project(
    world: Callable[[str], World], caller: str, status: int
) -> None:
    response = world(caller).caller.put("/api/admin/projects/checkout", json={"name": "Renamed"})
    assert response.status_code == status, response.text


def test_api_token_principal__client_token_on_admin_api__403(
    admin_client: TestClient, client: TestClient
) -> None:
    created = admin_client.post(
        "/api/admin/api-tokens",
        json={"tokenName": "sdk", "type": "client", "environment": "development"},
    )
    assert created.status_code == 201, created.text
    secret = created.json()["secret"]
    response = client.get(features_url(), headers={"Authorization": secret})
    assert response.status_code == 403
