"""Principals built directly, without a database, for the permission tables."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence

from flagstaff.rbac.permissions import PermissionType, parse_permission, permission_type
from flagstaff.rbac.predefined import PREDEFINED_BY_NAME, ROOT_ROLE_PROJECT
from flagstaff.rbac.principal import (
    ADMIN_TOKEN_USER_ID,
    ApiTokenScope,
    CredentialKind,
    Grants,
    Principal,
)

# A role given as a predefined role's name, or as its (permission, environment) rows.
RoleRows = str | Sequence[tuple[str, str]]


def rows_of(role: RoleRows) -> list[tuple[str, str]]:
    if isinstance(role, str):
        return PREDEFINED_BY_NAME[role].permission_rows()
    return list(role)


def grants(root_role: RoleRows = "Viewer", **project_roles: RoleRows) -> Grants:
    """What an account holding ``root_role`` and ``project_roles`` (project -> role) holds."""
    root: set[str] = set()
    projects: dict[str, set[str]] = defaultdict(set)
    environments: dict[str, set[tuple[str, str]]] = defaultdict(set)

    def add(project: str, rows: Iterable[tuple[str, str]], *, root_allowed: bool) -> None:
        for permission, environment in rows:
            known = parse_permission(permission)
            kind = permission_type(known) if known else None
            if kind in (PermissionType.ROOT, PermissionType.SPECIAL) and root_allowed:
                root.add(permission)
            elif kind == PermissionType.PROJECT:
                projects[project].add(permission)
            elif kind == PermissionType.ENVIRONMENT:
                environments[project].add((permission, environment))

    add(ROOT_ROLE_PROJECT, rows_of(root_role), root_allowed=True)
    for project, role in project_roles.items():
        add(project, rows_of(role), root_allowed=False)
    return Grants(
        root=frozenset(root),
        projects={p: frozenset(v) for p, v in projects.items()},
        environments={p: frozenset(v) for p, v in environments.items()},
    )


def account(held: Grants, *, account_id: int = 7, is_service: bool = False) -> Principal:
    return Principal(
        kind=CredentialKind.SERVICE_ACCOUNT_TOKEN if is_service else CredentialKind.SESSION,
        account_id=account_id,
        audit_name=f"account-{account_id}",
        audit_user_id=account_id,
        is_service=is_service,
        root_role_id=None,
        grants=held,
    )


def api_token(type_: str, *permissions: str, environment: str = "development") -> Principal:
    return Principal(
        kind=CredentialKind.API_TOKEN,
        account_id=None,
        audit_name=f"{type_}-token",
        audit_user_id=ADMIN_TOKEN_USER_ID,
        is_service=False,
        root_role_id=None,
        grants=Grants(root=frozenset(permissions)),
        api_scope=ApiTokenScope(
            type=type_,
            projects=("*",),
            environment="*" if type_ == "admin" else environment,
        ),
    )
