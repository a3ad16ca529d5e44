"""Token scopes: stored with the token, checked when it is made, applied by ``rbac.policy``.

A scope can only narrow: a token's effective permission is its account's intersected with its
scope, nobody scopes a token to a permission they do not hold themselves, and a scope never
changes after creation (a successor inherits it).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from flagstaff.core.errors import BadDataError, OperationDeniedError
from flagstaff.flags.environments.models import Environment
from flagstaff.flags.projects.models import Project
from flagstaff.rbac.permissions import Permission, PermissionType, parse_permission, permission_type
from flagstaff.rbac.policy import is_allowed
from flagstaff.rbac.principal import Principal, TokenScope

READ = "read"
# Special permissions a token cannot be scoped to: every account holds NONE, and the SDK ones
# belong to API tokens.
NOT_SCOPABLE = frozenset({Permission.NONE, Permission.CLIENT, Permission.FRONTEND})


def scope_json(scope: TokenScope | None) -> dict[str, Any] | None:
    if scope is None:
        return None
    return {
        "permissions": READ if scope.read_only else _listed(scope.permissions),
        "projects": _listed(scope.projects),
        "environments": _listed(scope.environments),
    }


def scope_from_json(content: dict[str, Any] | None) -> TokenScope | None:
    if content is None:
        return None
    permissions = content.get("permissions")
    return TokenScope(
        read_only=permissions == READ,
        permissions=None if permissions in (None, READ) else frozenset(permissions),
        projects=_set(content.get("projects")),
        environments=_set(content.get("environments")),
    )


def checked_scope(
    session: Session,
    permissions: str | list[str] | None,
    projects: list[str] | None,
    environments: list[str] | None,
) -> TokenScope:
    """The scope a request asks for, or a 400 naming every unknown permission, project and
    environment in it."""
    unknown_permissions = [] if permissions in (None, READ) else _unknown_permissions(permissions)
    unknown_projects = _missing(session, Project.id, projects)
    unknown_environments = _missing(session, Environment.name, environments)
    problems = [
        f"{label} {', '.join(names)}"
        for label, names in (
            ("unknown permissions:", unknown_permissions),
            ("unknown projects:", unknown_projects),
            ("unknown environments:", unknown_environments),
        )
        if names
    ]
    if problems:
        raise BadDataError("The token's scopes name " + "; ".join(problems) + ".")
    return TokenScope(
        read_only=permissions == READ,
        permissions=None if permissions in (None, READ) else frozenset(permissions),
        projects=frozenset(projects) if projects is not None else None,
        environments=frozenset(environments) if environments is not None else None,
    )


def ensure_can_scope(creator: Principal, scope: TokenScope) -> None:
    """Nobody scopes a token to a permission they do not hold themselves, where the scope
    applies it (its projects and environments, or anywhere they hold it)."""
    for name in sorted(scope.permissions or ()):
        permission = Permission(name)
        if not _holds(creator, permission, scope):
            raise OperationDeniedError(
                f"You cannot scope a token to {name}: you do not hold it where the token would."
            )


def _holds(creator: Principal, permission: Permission, scope: TokenScope) -> bool:
    kind = permission_type(permission)
    if kind in (PermissionType.ROOT, PermissionType.SPECIAL):
        return is_allowed(creator, permission)
    projects = scope.projects or _projects_of(creator)
    if kind == PermissionType.PROJECT:
        return any(is_allowed(creator, permission, project) for project in projects)
    environments = scope.environments or {"*"}
    return any(
        is_allowed(creator, permission, project, environment)
        for project in projects
        for environment in environments
    )


def _projects_of(creator: Principal) -> set[str]:
    grants = creator.grants
    # An Admin holds every permission in every project; "default" stands for any of them.
    return {"default", *grants.projects, *grants.environments}


def _unknown_permissions(names: Iterable[str]) -> list[str]:
    unknown = []
    for name in names:
        permission = parse_permission(name)
        if permission is None or permission in NOT_SCOPABLE:
            unknown.append(name)
    return sorted(set(unknown))


def _missing(session: Session, column: Any, names: list[str] | None) -> list[str]:
    if not names:
        return []
    known = set(session.scalars(select(column).where(column.in_(names))))
    return sorted(set(names) - known)


def _listed(values: frozenset[str] | None) -> list[str] | None:
    return sorted(values) if values is not None else None


def _set(values: list[str] | None) -> frozenset[str] | None:
    return frozenset(values) if values is not None else None
