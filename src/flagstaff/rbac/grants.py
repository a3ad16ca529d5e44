"""Flattening an account's roles into ``Grants`` (one query per role source)."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import select
from sqlalchemy.orm import Session

from flagstaff.rbac.models import AccountManager, ProjectRoleAssignment, RolePermission
from flagstaff.rbac.permissions import PERMISSIONS, PermissionType, parse_permission
from flagstaff.rbac.predefined import ROOT_ROLE_PROJECT
from flagstaff.rbac.principal import Grants


def load_grants(session: Session, account_id: int, root_role_id: int) -> Grants:
    root: set[str] = set()
    projects: dict[str, set[str]] = defaultdict(set)
    environments: dict[str, set[tuple[str, str]]] = defaultdict(set)

    def add(project: str, permission: str, environment: str) -> None:
        kind = _type_of(permission)
        if kind in (PermissionType.ROOT, PermissionType.SPECIAL):
            root.add(permission)
        elif kind == PermissionType.PROJECT:
            projects[project].add(permission)
        elif kind == PermissionType.ENVIRONMENT:
            environments[project].add((permission, environment))

    root_rows = session.execute(
        select(RolePermission.permission, RolePermission.environment).where(
            RolePermission.role_id == root_role_id
        )
    )
    for permission, environment in root_rows:
        add(ROOT_ROLE_PROJECT, permission, environment)

    project_rows = session.execute(
        select(ProjectRoleAssignment.project, RolePermission.permission, RolePermission.environment)
        .join(RolePermission, RolePermission.role_id == ProjectRoleAssignment.role_id)
        .where(ProjectRoleAssignment.account_id == account_id)
    )
    for project, permission, environment in project_rows:
        if _type_of(permission) in (PermissionType.PROJECT, PermissionType.ENVIRONMENT):
            add(project, permission, environment)

    managed = session.scalars(
        select(AccountManager.account_id).where(AccountManager.manager_id == account_id)
    )
    return Grants(
        root=frozenset(root),
        projects={p: frozenset(v) for p, v in projects.items()},
        environments={p: frozenset(v) for p, v in environments.items()},
        managed=frozenset(managed),
    )


def _type_of(permission: str) -> PermissionType | None:
    known = parse_permission(permission)
    # A permission name this version does not know (a newer row) grants nothing.
    return PERMISSIONS[known].type if known else None


def flat_permissions(grants: Grants) -> list[dict[str, str]]:
    """The ``permissions`` list of ``GET /api/admin/user``: ``[{permission, project?, env?}]``."""
    rows: list[dict[str, str]] = [{"permission": p} for p in sorted(grants.root)]
    for project, names in sorted(grants.projects.items()):
        rows.extend({"project": project, "permission": p} for p in sorted(names))
    for project, pairs in sorted(grants.environments.items()):
        rows.extend(
            {"project": project, "environment": env, "permission": p} for p, env in sorted(pairs)
        )
    return rows
