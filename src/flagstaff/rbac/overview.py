"""The access overview of an account: which permissions it holds, root, per project and per
environment (Unleash's userAccessOverviewSchema)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from flagstaff.rbac.grants import flat_permissions
from flagstaff.rbac.models import ProjectRoleAssignment, Role
from flagstaff.rbac.permissions import PERMISSIONS, Permission, PermissionType
from flagstaff.rbac.policy import is_allowed
from flagstaff.rbac.principal import Principal
from flagstaff.rbac.schemas import role_out, role_with_permissions


def access_overview(
    session: Session, principal: Principal, project: str, environment: str | None
) -> dict[str, Any]:
    def rows(kind: PermissionType) -> list[dict[str, Any]]:
        result = []
        for name, info in PERMISSIONS.items():
            if info.type != kind:
                continue
            row: dict[str, Any] = {
                "id": info.id,
                "name": name.value,
                "displayName": info.display_name,
                "type": kind.value,
            }
            if kind == PermissionType.ENVIRONMENT:
                row["environment"] = environment
                row["hasPermission"] = environment is not None and is_allowed(
                    principal, name, project, environment
                )
            elif kind == PermissionType.PROJECT:
                row["hasPermission"] = is_allowed(principal, name, project)
            else:
                row["hasPermission"] = is_allowed(principal, name)
            result.append(row)
        return result

    root_role = session.get(Role, principal.root_role_id) if principal.root_role_id else None
    project_roles = session.scalars(
        select(Role)
        .join(ProjectRoleAssignment, ProjectRoleAssignment.role_id == Role.id)
        .where(
            ProjectRoleAssignment.account_id == principal.account_id,
            ProjectRoleAssignment.project == project,
        )
        .order_by(Role.id)
    )
    return {
        "overview": {
            "root": rows(PermissionType.ROOT),
            "project": rows(PermissionType.PROJECT),
            "environment": rows(PermissionType.ENVIRONMENT),
            "groups": [],
        },
        "rootRole": role_out(root_role).model_dump(by_alias=True) if root_role else None,
        "projectRoles": [{**role_with_permissions(r), "project": project} for r in project_roles],
        "permissions": flat_permissions(principal.grants),
    }


UNLISTED = frozenset({Permission.NONE, Permission.CLIENT, Permission.FRONTEND})


def effective_permissions(
    principal: Principal, projects: Sequence[str], environments: Sequence[str]
) -> list[dict[str, str]]:
    """What the caller may do, one row per permission, project and environment, in the shape
    of ``GET /api/admin/user``'s ``permissions``. An unscoped caller's are its account's grants;
    a scoped token's are decided permission by permission by ``is_allowed``, in the token's
    projects (or ``projects``)."""
    if principal.scope is None:
        return flat_permissions(principal.grants)
    if principal.scope.projects is not None:
        projects = sorted(principal.scope.projects)
    rows: list[dict[str, str]] = []
    for name, info in PERMISSIONS.items():
        if name in UNLISTED:
            continue
        if info.type in (PermissionType.ROOT, PermissionType.SPECIAL):
            rows.extend([{"permission": name.value}] if is_allowed(principal, name) else [])
        elif info.type == PermissionType.PROJECT:
            rows.extend(
                {"project": p, "permission": name.value}
                for p in projects
                if is_allowed(principal, name, p)
            )
        else:
            rows.extend(
                {"project": p, "environment": e, "permission": name.value}
                for p in projects
                for e in environments
                if is_allowed(principal, name, p, e)
            )
    return rows
