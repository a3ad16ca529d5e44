"""Each service-account endpoint, crossed with each kind of caller: the exact status.

Callers differ in root role (Admin, Editor, Viewer, a custom root role, a Viewer whose only
rights come from a project role) and in credential (session cookie, personal access token,
service-account token, no credential, a credential that does not exist). One app serves the
whole module; every case builds its own targets so cases cannot disturb each other.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from flagstaff.app import create_app
from flagstaff.config import Settings
from flagstaff.credentials.account_tokens import format
from flagstaff.flags.projects.models import Project
from flagstaff.http.context import AppContext
from flagstaff.rbac.models import ProjectRoleAssignment
from flagstaff.rbac.predefined import MEMBER_ROLE_ID
from tests.api.service_accounts.helpers import BASE, create_account, create_token, in_days
from tests.conftest import FAST_PASSWORDS, TEST_SECRET
from tests.db import TemplateDatabase
from tests.factories import PASSWORD, login, make_user

ROLES = ("Admin", "Editor", "Viewer", "custom", "project-only")
CREDENTIALS = ("session", "pat", "service-token")
_unique = itertools.count()


@dataclass
class World:
    app_client: TestClient
    admin: TestClient
    context: AppContext
    callers: dict[str, dict[str, str]]  # caller name -> headers
    cookies: dict[str, str]  # caller name -> session cookie
    root_pat_id: int  # a token of the admin who set the world up


@pytest.fixture(scope="module")
def world(
    tmp_path_factory: pytest.TempPathFactory, template_db: TemplateDatabase
) -> Iterator[World]:
    workdir: Path = tmp_path_factory.mktemp("matrix")
    settings = Settings(
        data_dir=workdir,
        database_url=template_db.fresh(workdir),
        secret_key=TEST_SECRET,
        revision_poll_seconds=0.05,
    )
    context = AppContext.build(settings, passwords=FAST_PASSWORDS)
    app = create_app(settings, context)
    with TestClient(app) as anonymous:
        make_user(context, role="Admin", username="root")
        admin = login(TestClient(app), "root", PASSWORD)
        custom = admin.post(
            "/api/admin/roles",
            json={
                "name": "Segments",
                "type": "root-custom",
                "permissions": [{"name": "CREATE_SEGMENT"}],
            },
        ).json()["roles"]["id"]
        with context.database.transaction() as session:
            session.add(Project(id="checkout", name="Checkout"))
        callers: dict[str, dict[str, str]] = {
            "none": {},
            "unknown-token": {"Authorization": format.generate()},
        }
        cookies: dict[str, str] = {}
        for role in ROLES:
            root = {"custom": custom, "project-only": "Viewer"}.get(role, role)
            user = make_user(context, role=root, username=f"u-{role.lower()}")
            if role == "project-only":
                _grant_member(context, user.id)
            session_client = login(TestClient(app), user.username, user.password)
            cookies[f"{role}/session"] = session_client.cookies["flagstaff-session"]
            pat = session_client.post(
                "/api/admin/user/tokens", json={"description": "m", "expiresAt": in_days(1)}
            ).json()["secret"]
            callers[f"{role}/pat"] = {"Authorization": pat}
            account = create_account(admin, f"service-{role.lower()}", role=root)
            if role == "project-only":
                _grant_member(context, account["id"])
            callers[f"{role}/service-token"] = {
                "Authorization": create_token(admin, account["id"])["secret"]
            }
        for kind, environment in (
            ("admin", "*"),
            ("client", "development"),
            ("frontend", "development"),
        ):
            api_token = admin.post(
                "/api/admin/api-tokens",
                json={
                    "tokenName": f"matrix-{kind}",
                    "type": kind,
                    "environment": environment,
                    "projects": ["*"],
                },
            )
            assert api_token.status_code == 201, api_token.text
            callers[f"{kind}-api-token"] = {"Authorization": api_token.json()["secret"]}
        root_pat = admin.post(
            "/api/admin/user/tokens", json={"description": "root", "expiresAt": in_days(1)}
        ).json()["id"]
        yield World(anonymous, admin, context, callers, cookies, root_pat)
    context.database.dispose()


def _grant_member(context: AppContext, account_id: int) -> None:
    with context.database.transaction() as session:
        session.add(
            ProjectRoleAssignment(account_id=account_id, project="checkout", role_id=MEMBER_ROLE_ID)
        )


def _call(world: World, caller: str, method: str, path: str, body: object | None) -> int:
    client = TestClient(world.app_client.app)
    if caller.endswith("/session"):
        client.cookies.set("flagstaff-session", world.cookies[caller])
        headers: dict[str, str] = {}
    else:
        headers = world.callers[caller]
    return client.request(method, path, json=body, headers=headers).status_code


Target = Callable[[World], tuple[str, str, object | None]]


def _new_account(world: World) -> int:
    return int(create_account(world.admin, f"service-target-{next(_unique)}", role="Viewer")["id"])


def _new_account_with_token(world: World) -> tuple[int, int]:
    account = _new_account(world)
    return account, int(create_token(world.admin, account)["id"])


ADMIN_ONLY: dict[str, Target] = {
    "list accounts": lambda w: ("GET", BASE, None),
    "create account": lambda w: (
        "POST",
        BASE,
        {"username": f"service-new-{next(_unique)}", "name": "N", "rootRole": 3},
    ),
    "update account": lambda w: ("PUT", f"{BASE}/{_new_account(w)}", {"name": "Renamed"}),
    "delete account": lambda w: ("DELETE", f"{BASE}/{_new_account(w)}", None),
    "list tokens": lambda w: ("GET", f"{BASE}/{_new_account(w)}/token", None),
    "create token": lambda w: (
        "POST",
        f"{BASE}/{_new_account(w)}/token",
        {"description": "d", "expiresAt": in_days(1)},
    ),
    "delete token": lambda w: (
        "DELETE",
        "{}/{}/token/{}".format(BASE, *_new_account_with_token(w)),
        None,
    ),
    "permissions": lambda w: ("GET", f"{BASE}/{_new_account(w)}/permissions", None),
    "rotate token": lambda w: (
        "POST",
        "{}/{}/token/{}/rotate".format(BASE, *_new_account_with_token(w)),
        {"graceSeconds": 60},
    ),
    "disable token": lambda w: (
        "POST",
        "{}/{}/token/{}/disable".format(BASE, *_new_account_with_token(w)),
        None,
    ),
    "enable token": lambda w: (
        "POST",
        "{}/{}/token/{}/enable".format(BASE, *_new_account_with_token(w)),
        None,
    ),
    "allow self-rotation": lambda w: (
        "PUT",
        "{}/{}/token/{}/self-rotation".format(BASE, *_new_account_with_token(w)),
        {"enabled": True},
    ),
    "disable account": lambda w: ("POST", f"{BASE}/{_new_account(w)}/disable", None),
    "enable account": lambda w: ("POST", f"{BASE}/{_new_account(w)}/enable", None),
    "token inventory": lambda w: ("GET", "/api/admin/tokens?state=active", None),
    "revoke tokens": lambda w: (
        "POST",
        "/api/admin/tokens/revoke",
        {"ids": [_new_account_with_token(w)[1]]},
    ),
    "disable any token": lambda w: (
        "POST",
        f"/api/admin/tokens/{_new_account_with_token(w)[1]}/disable",
        None,
    ),
    "read token policy": lambda w: ("GET", "/api/admin/tokens/policy", None),
    "set token policy": lambda w: ("PUT", "/api/admin/tokens/policy", {"allowNeverExpires": True}),
}
SUCCESS = {"create account": 201, "create token": 201, "rotate token": 201}


API_TOKENS = ["admin-api-token", "client-api-token", "frontend-api-token"]
CALLERS = ["none", "unknown-token", *API_TOKENS] + [f"{r}/{c}" for r in ROLES for c in CREDENTIALS]


def _expected_admin_only(caller: str, name: str) -> int:
    if caller == "none" or caller == "unknown-token":
        return 401
    if caller.startswith("Admin/") or caller == "admin-api-token":
        return SUCCESS.get(name, 200)
    return 403


@pytest.mark.parametrize("name", sorted(ADMIN_ONLY))
@pytest.mark.parametrize("caller", CALLERS)
def test_service_account_endpoints__caller__exact_status(
    world: World, name: str, caller: str
) -> None:
    method, path, body = ADMIN_ONLY[name](world)
    assert _call(world, caller, method, path, body) == _expected_admin_only(caller, name)


def _pat_expectation(caller: str, success: int) -> int:
    if caller in ("none", "unknown-token"):
        return 401
    if caller.endswith("/service-token") or caller in API_TOKENS:
        return 403  # personal tokens belong to people; API tokens have no person
    return success


@pytest.mark.parametrize("caller", CALLERS)
def test_personal_token_endpoints__caller__exact_status(world: World, caller: str) -> None:
    assert _call(world, caller, "GET", "/api/admin/user/tokens", None) == _pat_expectation(
        caller, 200
    )
    created = _call(
        world,
        caller,
        "POST",
        "/api/admin/user/tokens",
        {"description": f"m{next(_unique)}", "expiresAt": in_days(1)},
    )
    assert created == _pat_expectation(caller, 201)
    # The token of another account is "not found" for the caller.
    others = _call(world, caller, "DELETE", f"/api/admin/user/tokens/{world.root_pat_id}", None)
    assert others == _pat_expectation(caller, 404)
    deleted = _call(world, caller, "DELETE", "/api/admin/user/tokens/999999", None)
    assert deleted == _pat_expectation(caller, 404)


@pytest.mark.parametrize("caller", CALLERS)
def test_me__caller__exact_status(world: World, caller: str) -> None:
    if caller in ("none", "unknown-token"):
        expected = 401
    elif caller in ("client-api-token", "frontend-api-token"):
        expected = 403  # SDK tokens are the wrong kind for the Admin API
    else:
        expected = 200
    assert _call(world, caller, "GET", "/api/admin/user", None) == expected


def _sdk_expectation(caller: str, wanted: str) -> int:
    if caller == wanted:
        return 200
    if caller in ("none", "unknown-token") or caller.endswith("/session"):
        return 401  # no credential the SDK APIs take
    return 403  # an account token or another kind of API token


@pytest.mark.parametrize("caller", CALLERS)
def test_sdk_apis__caller__only_their_own_token_kind(world: World, caller: str) -> None:
    client_api = _call(world, caller, "GET", "/api/client/features", None)
    assert client_api == _sdk_expectation(caller, "client-api-token")
    frontend_api = _call(world, caller, "GET", "/api/frontend", None)
    assert frontend_api == _sdk_expectation(caller, "frontend-api-token")
