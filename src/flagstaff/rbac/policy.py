"""The one place that says yes or no: ``is_allowed``. Pure: no I/O, no HTTP.

A request is allowed what its account is allowed, intersected with its token's scope when the
token has one. ``write`` says whether the check is for a change: a read-only scope refuses every
write, so callers that check a read pass ``write=False`` (the default is the safe one)."""

from __future__ import annotations

from flagstaff.rbac.models import ANY_ENVIRONMENT
from flagstaff.rbac.permissions import Permission, PermissionType, permission_type
from flagstaff.rbac.principal import Principal, TokenScope


def is_allowed(
    principal: Principal,
    permission: Permission,
    project: str | None = None,
    environment: str | None = None,
    *,
    write: bool = True,
) -> bool:
    if not _account_allows(principal, permission, project, environment):
        return False
    scope = principal.scope
    return scope is None or _scope_allows(scope, permission, project, environment, write)


def manages(principal: Principal, account_id: int, *, write: bool = True) -> bool:
    """Whether the caller may look after a service account's tokens: an Admin may, and so may
    a person an admin made its manager (within the token's scope, if the caller is one)."""
    if is_allowed(principal, Permission.ADMIN, write=write):
        return True
    if account_id not in principal.grants.managed:
        return False
    scope = principal.scope
    return scope is None or _scope_allows(scope, Permission.NONE, None, None, write)


def reads_every_project(principal: Principal) -> bool:
    """Whether the caller's account reads every project's flags, private ones included (an
    Admin). A token limited to some projects reads those at most: see ``TokenScope.projects``."""
    return _account_allows(principal, Permission.ADMIN, None, None)


def _account_allows(
    principal: Principal, permission: Permission, project: str | None, environment: str | None
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


def _scope_allows(
    scope: TokenScope,
    permission: Permission,
    project: str | None,
    environment: str | None,
    write: bool,
) -> bool:
    if scope.read_only and write:
        return False
    if permission == Permission.NONE:
        # Any account may do this: the scope still limits which project and environment.
        return _in(scope.projects, project) and _in(scope.environments, environment)
    if scope.permissions is not None and not (
        permission in scope.permissions or Permission.ADMIN in scope.permissions
    ):
        return False
    kind = permission_type(permission)
    if scope.projects is not None:
        if kind in (PermissionType.ROOT, PermissionType.SPECIAL) or project is None:
            return False  # a project-limited token acts in its projects only
        if project not in scope.projects:
            return False
    return kind != PermissionType.ENVIRONMENT or _in(scope.environments, environment)


def _in(allowed: frozenset[str] | None, value: str | None) -> bool:
    return allowed is None or value is None or value in allowed
