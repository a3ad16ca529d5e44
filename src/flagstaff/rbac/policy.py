"""The one place that says yes or no: ``is_allowed``. Pure: no I/O, no HTTP."""

from __future__ import annotations

from flagstaff.rbac.models import ANY_ENVIRONMENT
from flagstaff.rbac.permissions import Permission, PermissionType, permission_type
from flagstaff.rbac.principal import Principal


def is_allowed(
    principal: Principal,
    permission: Permission,
    project: str | None = None,
    environment: str | None = None,
) -> bool:
    grants = principal.grants
    if Permission.ADMIN in grants.root:
        # ADMIN is everything on the Admin API, but never an SDK credential.
        return permission not in (Permission.CLIENT, Permission.FRONTEND)
    if permission == Permission.NONE:
        return principal.is_account
    kind = permission_type(permission)
    if kind in (PermissionType.ROOT, PermissionType.SPECIAL):
        return permission in grants.root
    if project is None:
        return False
    if kind == PermissionType.PROJECT:
        return permission in grants.projects.get(project, frozenset())
    if environment is None:
        return False
    held = grants.environments.get(project, frozenset())
    return (permission, environment) in held or (permission, ANY_ENVIRONMENT) in held
