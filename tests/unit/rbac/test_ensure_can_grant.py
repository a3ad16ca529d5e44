"""``rbac.granting.ensure_can_grant``: no one hands out a permission they do not hold."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from flagstaff.core.errors import OperationDeniedError
from flagstaff.events.service import SYSTEM
from flagstaff.http.context import AppContext
from flagstaff.rbac.granting import ensure_can_grant
from flagstaff.rbac.models import Role, RolePermission, RoleType
from flagstaff.rbac.predefined import PREDEFINED_BY_NAME
from flagstaff.rbac.principal import Principal
from flagstaff.roles.service import PermissionRef, RoleService
from tests.unit.rbac.principals import account, api_token, grants

ADMIN = account(grants("Admin"))
EDITOR = account(grants("Editor"))
VIEWER = account(grants("Viewer"))
SEGMENT_KEEPER = account(grants([("CREATE_SEGMENT", ""), ("READ_LOGS", "")]))
OWNER = account(grants("Viewer", checkout="Owner"))
DEV_ONLY_IN_DEFAULT = account(grants([("UPDATE_FEATURE_ENVIRONMENT", "development")]))


def predefined(name: str) -> Role:
    definition = PREDEFINED_BY_NAME[name]
    role = Role(id=definition.id, name=name, type=definition.type)
    role.permissions = [
        RolePermission(permission=p, environment=e) for p, e in definition.permission_rows()
    ]
    return role


def custom(type_: str, *rows: tuple[str, str]) -> Role:
    role = Role(name="custom", type=type_)
    role.permissions = [RolePermission(permission=p, environment=e) for p, e in rows]
    return role


ALLOWED: list[tuple[str, Principal, Role]] = [
    ("admin grants Admin", ADMIN, predefined("Admin")),
    ("admin grants a custom project role", ADMIN, custom(RoleType.CUSTOM, ("CREATE_FEATURE", ""))),
    ("editor grants Editor", EDITOR, predefined("Editor")),
    ("editor grants Viewer", EDITOR, predefined("Viewer")),
    (
        "editor grants a held root permission",
        EDITOR,
        custom(RoleType.ROOT_CUSTOM, ("CREATE_SEGMENT", "")),
    ),
    (
        "custom root grants its own permissions",
        SEGMENT_KEEPER,
        custom(RoleType.ROOT_CUSTOM, ("READ_LOGS", ""), ("CREATE_SEGMENT", "")),
    ),
    ("viewer grants Viewer", VIEWER, predefined("Viewer")),
    ("viewer grants an empty project role", VIEWER, predefined("Reader")),
    (
        "unknown permission names are skipped",
        VIEWER,
        custom(RoleType.ROOT_CUSTOM, ("SOME_FUTURE_PERMISSION", "")),
    ),
    (
        "holder of dev grants dev",
        DEV_ONLY_IN_DEFAULT,
        custom(RoleType.ROOT_CUSTOM, ("UPDATE_FEATURE_ENVIRONMENT", "development")),
    ),
]

DENIED: list[tuple[str, Principal, Role, str]] = [
    ("editor grants Admin", EDITOR, predefined("Admin"), "ADMIN"),
    (
        "editor grants an unheld root permission",
        EDITOR,
        custom(RoleType.ROOT_CUSTOM, ("READ_LOGS", "")),
        "READ_LOGS",
    ),
    (
        "editor grants one held and one unheld",
        EDITOR,
        custom(RoleType.ROOT_CUSTOM, ("CREATE_SEGMENT", ""), ("UPDATE_CORS", "")),
        "UPDATE_CORS",
    ),
    ("editor grants Member (assignable anywhere)", EDITOR, predefined("Member"), "CREATE_FEATURE"),
    (
        "editor grants a custom project role",
        EDITOR,
        custom(RoleType.CUSTOM, ("UPDATE_FEATURE", "")),
        "UPDATE_FEATURE",
    ),
    ("owner in checkout grants Member", OWNER, predefined("Member"), "CREATE_FEATURE"),
    ("custom root grants Editor", SEGMENT_KEEPER, predefined("Editor"), "CREATE_ADDON"),
    ("viewer grants Editor", VIEWER, predefined("Editor"), "CREATE_ADDON"),
    (
        "holder of dev grants every environment",
        DEV_ONLY_IN_DEFAULT,
        custom(RoleType.ROOT_CUSTOM, ("UPDATE_FEATURE_ENVIRONMENT", "*")),
        "UPDATE_FEATURE_ENVIRONMENT",
    ),
    (
        "holder of dev grants production",
        DEV_ONLY_IN_DEFAULT,
        custom(RoleType.ROOT_CUSTOM, ("UPDATE_FEATURE_ENVIRONMENT", "production")),
        "UPDATE_FEATURE_ENVIRONMENT",
    ),
    (
        "client token grants a root permission",
        api_token("client", "CLIENT"),
        custom(RoleType.ROOT_CUSTOM, ("CREATE_SEGMENT", "")),
        "CREATE_SEGMENT",
    ),
]


@pytest.mark.parametrize(
    ("principal", "role"), [pytest.param(p, r, id=name) for name, p, r in ALLOWED]
)
def test_ensure_can_grant__held_permissions__allowed(principal: Principal, role: Role) -> None:
    ensure_can_grant(principal, role)


@pytest.mark.parametrize(
    ("principal", "role", "missing"),
    [pytest.param(p, r, m, id=name) for name, p, r, m in DENIED],
)
def test_ensure_can_grant__unheld_permission__denied_naming_it(
    principal: Principal, role: Role, missing: str
) -> None:
    with pytest.raises(OperationDeniedError) as denied:
        ensure_can_grant(principal, role)
    assert missing in denied.value.message


def test_ensure_can_grant__non_admin_through_create__nothing_written(
    context: AppContext,
) -> None:
    with context.database.transaction() as session:
        with pytest.raises(OperationDeniedError):
            RoleService(session).create(
                SYSTEM,
                EDITOR,
                "Log reader",
                "",
                RoleType.ROOT_CUSTOM,
                [PermissionRef(name="READ_LOGS")],
            )
        assert _role_names(session) == set(PREDEFINED_BY_NAME)


def _role_names(session: Session) -> set[str]:
    return {role.name for role in RoleService(session).list_roles()}
