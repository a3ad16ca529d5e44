"""``is_allowed`` as a table: who, which permission, where, and the answer."""

from __future__ import annotations

import pytest

from flagstaff.rbac.permissions import Permission, PermissionType, permission_type
from flagstaff.rbac.policy import is_allowed
from flagstaff.rbac.predefined import PREDEFINED_BY_NAME
from flagstaff.rbac.principal import Grants, Principal
from tests.unit.rbac.principals import account, api_token, grants

P = Permission

ADMIN = account(grants("Admin"))
EDITOR = account(grants("Editor"))
VIEWER = account(grants("Viewer"))
SEGMENT_KEEPER = account(grants([("CREATE_SEGMENT", ""), ("READ_LOGS", "")]))
OWNER = account(grants("Viewer", checkout="Owner"))
MEMBER = account(grants("Viewer", checkout="Member"))
READER = account(grants("Viewer", checkout="Reader"))
DEV_DEPLOYER = account(
    grants(
        "Viewer",
        checkout=[
            ("UPDATE_FEATURE", ""),
            ("UPDATE_FEATURE_ENVIRONMENT", "development"),
            ("CREATE_FEATURE_STRATEGY", "*"),
        ],
    )
)
EDITOR_SERVICE = account(grants("Editor"), account_id=8, is_service=True)
ADMIN_TOKEN = api_token("admin", "ADMIN")
CLIENT_TOKEN = api_token("client", "CLIENT")
FRONTEND_TOKEN = api_token("frontend", "FRONTEND")
# A permission a newer version wrote into the database: it grants nothing here.
FUTURE = account(Grants(root=frozenset({"SOME_FUTURE_PERMISSION"})))

PRINCIPALS = {
    "admin": ADMIN,
    "editor": EDITOR,
    "viewer": VIEWER,
    "custom-root": SEGMENT_KEEPER,
    "owner@checkout": OWNER,
    "member@checkout": MEMBER,
    "reader@checkout": READER,
    "custom-project@checkout": DEV_DEPLOYER,
    "editor-service-account": EDITOR_SERVICE,
    "admin-token": ADMIN_TOKEN,
    "client-token": CLIENT_TOKEN,
    "frontend-token": FRONTEND_TOKEN,
    "future-permission": FUTURE,
}

# (who, permission, project, environment, allowed)
TABLE: list[tuple[str, Permission, str | None, str | None, bool]] = [
    # Admin: everything on the Admin API, in every project and environment...
    ("admin", P.ADMIN, None, None, True),
    ("admin", P.NONE, None, None, True),
    ("admin", P.CREATE_SEGMENT, None, None, True),
    ("admin", P.READ_LOGS, None, None, True),
    ("admin", P.CREATE_FEATURE, "default", None, True),
    ("admin", P.CREATE_FEATURE, "checkout", None, True),
    ("admin", P.CREATE_FEATURE, None, None, True),
    ("admin", P.UPDATE_FEATURE_ENVIRONMENT, "checkout", "production", True),
    ("admin", P.APPROVE_CHANGE_REQUEST, "checkout", "*", True),
    # ...but never an SDK credential.
    ("admin", P.CLIENT, None, None, False),
    ("admin", P.FRONTEND, None, None, False),
    # Editor: its root permissions, and its project permissions in "default" only.
    ("editor", P.ADMIN, None, None, False),
    ("editor", P.NONE, None, None, True),
    ("editor", P.CREATE_SEGMENT, None, None, True),
    ("editor", P.CREATE_PROJECT, None, None, True),
    ("editor", P.READ_CLIENT_API_TOKEN, None, None, True),
    ("editor", P.CREATE_CLIENT_API_TOKEN, None, None, False),
    ("editor", P.READ_LOGS, None, None, False),
    ("editor", P.READ_ROLE, None, None, False),
    ("editor", P.CREATE_FEATURE, "default", None, True),
    ("editor", P.DELETE_PROJECT, "default", None, True),
    ("editor", P.CREATE_FEATURE, "checkout", None, False),
    ("editor", P.CREATE_FEATURE, None, None, False),
    ("editor", P.PROJECT_USER_ACCESS_WRITE, "default", None, False),
    ("editor", P.UPDATE_FEATURE_ENVIRONMENT, "default", "production", True),
    ("editor", P.UPDATE_FEATURE_ENVIRONMENT, "default", "*", True),
    ("editor", P.UPDATE_FEATURE_ENVIRONMENT, "default", None, False),
    ("editor", P.UPDATE_FEATURE_ENVIRONMENT, "checkout", "production", False),
    ("editor", P.APPROVE_CHANGE_REQUEST, "default", "production", False),
    ("editor", P.CLIENT, None, None, False),
    ("editor", P.FRONTEND, None, None, False),
    # Viewer: nothing but "any authenticated account".
    ("viewer", P.NONE, None, None, True),
    ("viewer", P.ADMIN, None, None, False),
    ("viewer", P.CREATE_SEGMENT, None, None, False),
    ("viewer", P.READ_CLIENT_API_TOKEN, None, None, False),
    ("viewer", P.CREATE_FEATURE, "default", None, False),
    ("viewer", P.UPDATE_FEATURE_ENVIRONMENT, "default", "development", False),
    # A custom root role: exactly its root permissions.
    ("custom-root", P.CREATE_SEGMENT, None, None, True),
    ("custom-root", P.READ_LOGS, None, None, True),
    ("custom-root", P.UPDATE_SEGMENT, None, None, False),
    ("custom-root", P.ADMIN, None, None, False),
    ("custom-root", P.CREATE_FEATURE, "default", None, False),
    # Owner in "checkout": the whole project, nothing outside it, no root permission.
    ("owner@checkout", P.UPDATE_PROJECT, "checkout", None, True),
    ("owner@checkout", P.DELETE_PROJECT, "checkout", None, True),
    ("owner@checkout", P.PROJECT_USER_ACCESS_WRITE, "checkout", None, True),
    ("owner@checkout", P.CREATE_FEATURE, "checkout", None, True),
    ("owner@checkout", P.UPDATE_FEATURE_ENVIRONMENT, "checkout", "production", True),
    ("owner@checkout", P.CREATE_FEATURE, "default", None, False),
    ("owner@checkout", P.CREATE_FEATURE, None, None, False),
    ("owner@checkout", P.CREATE_SEGMENT, None, None, False),
    # Member: flag work, not project administration.
    ("member@checkout", P.CREATE_FEATURE, "checkout", None, True),
    ("member@checkout", P.UPDATE_FEATURE_STRATEGY, "checkout", "development", True),
    ("member@checkout", P.DELETE_PROJECT, "checkout", None, False),
    ("member@checkout", P.MOVE_FEATURE_TOGGLE, "checkout", None, False),
    ("member@checkout", P.PROJECT_USER_ACCESS_READ, "checkout", None, False),
    ("member@checkout", P.CREATE_FEATURE, "payments", None, False),
    # Reader: read-only.
    ("reader@checkout", P.NONE, None, None, True),
    ("reader@checkout", P.CREATE_FEATURE, "checkout", None, False),
    ("reader@checkout", P.UPDATE_FEATURE_ENVIRONMENT, "checkout", "development", False),
    # A custom project role with one specific environment and one "*" grant.
    ("custom-project@checkout", P.UPDATE_FEATURE, "checkout", None, True),
    ("custom-project@checkout", P.UPDATE_FEATURE, "default", None, False),
    ("custom-project@checkout", P.UPDATE_FEATURE_ENVIRONMENT, "checkout", "development", True),
    ("custom-project@checkout", P.UPDATE_FEATURE_ENVIRONMENT, "checkout", "production", False),
    ("custom-project@checkout", P.UPDATE_FEATURE_ENVIRONMENT, "checkout", "*", False),
    ("custom-project@checkout", P.UPDATE_FEATURE_ENVIRONMENT, "checkout", None, False),
    ("custom-project@checkout", P.UPDATE_FEATURE_ENVIRONMENT, "default", "development", False),
    ("custom-project@checkout", P.CREATE_FEATURE_STRATEGY, "checkout", "production", True),
    ("custom-project@checkout", P.CREATE_FEATURE_STRATEGY, "checkout", "a-new-env", True),
    ("custom-project@checkout", P.CREATE_FEATURE_STRATEGY, "checkout", "*", True),
    ("custom-project@checkout", P.CREATE_FEATURE_STRATEGY, "default", "production", False),
    ("custom-project@checkout", P.DELETE_FEATURE_STRATEGY, "checkout", "development", False),
    # A service account is decided exactly like a user with the same roles.
    ("editor-service-account", P.NONE, None, None, True),
    ("editor-service-account", P.CREATE_FEATURE, "default", None, True),
    ("editor-service-account", P.CREATE_FEATURE, "checkout", None, False),
    ("editor-service-account", P.ADMIN, None, None, False),
    # An admin API token: everything on the Admin API, no SDK API.
    ("admin-token", P.ADMIN, None, None, True),
    ("admin-token", P.NONE, None, None, True),
    ("admin-token", P.CREATE_FEATURE, "checkout", None, True),
    ("admin-token", P.CLIENT, None, None, False),
    ("admin-token", P.FRONTEND, None, None, False),
    # SDK tokens: their one API, and not even NONE (they are no account).
    ("client-token", P.CLIENT, None, None, True),
    ("client-token", P.FRONTEND, None, None, False),
    ("client-token", P.NONE, None, None, False),
    ("client-token", P.ADMIN, None, None, False),
    ("client-token", P.READ_CLIENT_API_TOKEN, None, None, False),
    ("client-token", P.CREATE_FEATURE, "default", None, False),
    ("frontend-token", P.FRONTEND, None, None, True),
    ("frontend-token", P.CLIENT, None, None, False),
    ("frontend-token", P.NONE, None, None, False),
    # An unknown permission name in the grants grants nothing.
    ("future-permission", P.NONE, None, None, True),
    ("future-permission", P.CREATE_SEGMENT, None, None, False),
    ("future-permission", P.ADMIN, None, None, False),
]


def _row_id(row: tuple[str, Permission, str | None, str | None, bool]) -> str:
    who, permission, project, environment, allowed = row
    where = "/".join(part for part in (project, environment) if part is not None) or "-"
    return f"{who}:{permission.value}@{where}:{'yes' if allowed else 'no'}"


@pytest.mark.parametrize(
    ("who", "permission", "project", "environment", "allowed"),
    [pytest.param(*row, id=_row_id(row)) for row in TABLE],
)
def test_is_allowed__table__expected_answer(
    who: str, permission: Permission, project: str | None, environment: str | None, allowed: bool
) -> None:
    assert is_allowed(PRINCIPALS[who], permission, project, environment) is allowed


def test_is_allowed__admin_every_permission__all_but_sdk_permissions() -> None:
    refused = {p for p in Permission if not is_allowed(ADMIN, p, "any-project", "any-env")}
    assert refused == {P.CLIENT, P.FRONTEND}


def test_is_allowed__viewer_every_permission__only_none() -> None:
    allowed = {p for p in Permission if is_allowed(VIEWER, p, "default", "*")}
    assert allowed == {P.NONE}


@pytest.mark.parametrize("principal", [CLIENT_TOKEN, FRONTEND_TOKEN], ids=["client", "frontend"])
def test_is_allowed__sdk_token_every_permission__only_its_own(principal: Principal) -> None:
    allowed = {p for p in Permission if is_allowed(principal, p, "default", "*")}
    assert allowed == {P(next(iter(principal.grants.root)))}


def test_is_allowed__editor_outside_default__only_its_root_permissions() -> None:
    in_default = {p for p in Permission if is_allowed(EDITOR, p, "default", "production")}
    elsewhere = {p for p in Permission if is_allowed(EDITOR, p, "elsewhere", "production")}
    editor_role = set(PREDEFINED_BY_NAME["Editor"].permissions)
    scoped = {p for p in editor_role if permission_type(p) != PermissionType.ROOT}
    assert in_default == editor_role | {P.NONE}
    assert elsewhere == (editor_role - scoped) | {P.NONE}
