"""Finding the root role a user or service account is given, and who may hand out a role: no
one grants a permission they do not hold themselves."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from flagstaff.core.errors import BadDataError, OperationDeniedError
from flagstaff.rbac.models import (
    ANY_ENVIRONMENT,
    MAX_ID,
    Role,
)
from flagstaff.rbac.permissions import (
    PERMISSIONS,
    Permission,
    PermissionType,
    parse_permission,
)
from flagstaff.rbac.policy import is_allowed
from flagstaff.rbac.predefined import ROOT_ROLE_PROJECT
from flagstaff.rbac.principal import Principal


def holds(principal: Principal, permission: Permission, project: str | None, env: str) -> bool:
    """Whether ``principal`` holds ``permission`` wherever a role would hand it out.

    A root role's project and environment permissions apply to the project "default"; a project
    role can be assigned in any project, so only ADMIN holds all of it everywhere."""
    grants = principal.grants
    if Permission.ADMIN in grants.root:
        return True
    kind = PERMISSIONS[permission].type
    if kind in (PermissionType.ROOT, PermissionType.SPECIAL):
        return permission in grants.root
    if project is None:
        return False
    if kind == PermissionType.PROJECT:
        return is_allowed(principal, permission, project)
    if env == ANY_ENVIRONMENT:
        return (permission.value, ANY_ENVIRONMENT) in grants.environments.get(project, frozenset())
    return is_allowed(principal, permission, project, env)


def resolve_root_role(session: Session, ref: int | str) -> Role:
    """A root role by id or by name, as createUserSchema's ``rootRole`` allows."""
    if isinstance(ref, int):
        role = session.get(Role, ref) if 0 < ref <= MAX_ID else None
    else:
        role = session.scalars(select(Role).where(Role.name == ref)).first()
    if role is None or not role.is_root:
        raise BadDataError(f"rootRole {ref!r} is not a root role that exists")
    return role


def ensure_can_grant(principal: Principal, role: Role) -> None:
    """No one can hand out a permission they do not hold themselves."""
    for row in role.permissions:
        permission = parse_permission(row.permission)
        if permission is None:
            continue
        project = ROOT_ROLE_PROJECT if role.is_root else None
        if not holds(principal, permission, project, row.environment):
            raise OperationDeniedError(
                f"You cannot grant the {permission.value} permission: you do not hold it"
            )
