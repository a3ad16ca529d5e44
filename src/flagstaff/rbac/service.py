"""Roles: the predefined ones, custom root and project roles, and who may grant what."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from flagstaff.accounts.models import Account
from flagstaff.auth.principal import Principal
from flagstaff.errors import (
    BadDataError,
    NameExistsError,
    NotFoundError,
    OperationDeniedError,
    RoleInUseError,
)
from flagstaff.events.service import Actor, EventService
from flagstaff.rbac.models import (
    ANY_ENVIRONMENT,
    NO_ENVIRONMENT,
    ProjectRoleAssignment,
    Role,
    RolePermission,
    RoleType,
)
from flagstaff.rbac.permissions import (
    PERMISSIONS,
    PERMISSIONS_BY_ID,
    Permission,
    PermissionType,
    parse_permission,
)
from flagstaff.rbac.policy import is_allowed
from flagstaff.rbac.roles import ROOT_ROLE_PROJECT


@dataclass(frozen=True)
class PermissionRef:
    id: int | None = None
    name: str | None = None
    environment: str | None = None


@dataclass(frozen=True)
class RoleHolders:
    users: list[Account]
    service_accounts: list[Account]
    project_assignments: int

    @property
    def empty(self) -> bool:
        return not (self.users or self.service_accounts or self.project_assignments)


class RoleService:
    def __init__(self, session: Session) -> None:
        self.session = session
        self.events = EventService(session)

    def list_roles(self) -> list[Role]:
        return list(self.session.scalars(select(Role).order_by(Role.id)))

    def root_roles(self) -> list[Role]:
        return list(
            self.session.scalars(
                select(Role).where(Role.type.in_(RoleType.ROOT_TYPES)).order_by(Role.id)
            )
        )

    def get(self, role_id: int) -> Role:
        role = self.session.get(Role, role_id)
        if role is None:
            raise NotFoundError(f"Could not find role with id {role_id}")
        return role

    def resolve_root_role(self, ref: int | str) -> Role:
        """A root role by id or by name, as createUserSchema's ``rootRole`` allows."""
        if isinstance(ref, int):
            role = self.session.get(Role, ref)
        else:
            role = self.session.scalars(select(Role).where(Role.name == ref)).first()
        if role is None or not role.is_root:
            raise BadDataError(f"rootRole {ref!r} is not a root role that exists")
        return role

    def create(
        self,
        actor: Actor,
        principal: Principal,
        name: str,
        description: str,
        type_: str,
        permissions: list[PermissionRef],
    ) -> Role:
        self._ensure_name_free(name)
        rows = self._permission_rows(type_, permissions)
        role = Role(name=name, description=description, type=type_)
        role.permissions = [RolePermission(permission=p, environment=e) for p, e in rows]
        self.ensure_can_grant(principal, role)
        self.session.add(role)
        self._flush_unique(name)
        self.events.record(actor, "role-created", data=_role_data(role))
        return role

    def update(
        self,
        actor: Actor,
        principal: Principal,
        role_id: int,
        name: str,
        description: str,
        type_: str,
        permissions: list[PermissionRef],
    ) -> Role:
        role = self.get(role_id)
        if role.is_predefined:
            raise BadDataError("You cannot change a predefined role")
        if type_ != role.type:
            raise BadDataError("A role's type cannot change")
        if name != role.name:
            self._ensure_name_free(name)
        before = _role_data(role)
        rows = self._permission_rows(type_, permissions)
        role.name, role.description = name, description
        role.permissions = [RolePermission(permission=p, environment=e) for p, e in rows]
        self.ensure_can_grant(principal, role)
        self._flush_unique(name)
        self.events.record(actor, "role-updated", data=_role_data(role), pre_data=before)
        return role

    def delete(self, actor: Actor, role_id: int) -> None:
        role = self.get(role_id)
        if role.is_predefined:
            raise BadDataError("You cannot delete a predefined role")
        holders = self.holders(role)
        if not holders.empty:
            raise RoleInUseError(_in_use_message(role, holders), details=_in_use_details(holders))
        before = _role_data(role)
        self.session.delete(role)
        self.session.flush()
        self.events.record(actor, "role-deleted", pre_data=before)

    def validate_name(self, name: str, role_id: int | None) -> None:
        existing = self.session.scalars(select(Role).where(Role.name == name)).first()
        if existing is not None and existing.id != role_id:
            raise NameExistsError(f'There already exists a role with the name "{name}"')

    def holders(self, role: Role) -> RoleHolders:
        accounts = list(
            self.session.scalars(
                select(Account).where(Account.root_role_id == role.id).order_by(Account.id)
            )
        )
        assignments = self.session.execute(
            select(func.count()).where(ProjectRoleAssignment.role_id == role.id)
        ).scalar_one()
        return RoleHolders(
            users=[a for a in accounts if not a.is_service],
            service_accounts=[a for a in accounts if a.is_service],
            project_assignments=assignments,
        )

    def ensure_can_grant(self, principal: Principal, role: Role) -> None:
        """No one can hand out a permission they do not hold themselves."""
        for row in role.permissions:
            permission = parse_permission(row.permission)
            if permission is None:
                continue
            project = ROOT_ROLE_PROJECT if role.is_root else None
            if not _holds(principal, permission, project, row.environment):
                raise OperationDeniedError(
                    f"You cannot grant the {permission.value} permission: you do not hold it"
                )

    def _ensure_name_free(self, name: str) -> None:
        self.validate_name(name, None)

    def _flush_unique(self, name: str) -> None:
        try:
            with self.session.begin_nested():
                self.session.flush()
        except IntegrityError:
            raise NameExistsError(f'There already exists a role with the name "{name}"') from None

    @staticmethod
    def _permission_rows(type_: str, refs: list[PermissionRef]) -> list[tuple[str, str]]:
        rows: set[tuple[str, str]] = set()
        for ref in refs:
            permission = _lookup_permission(ref)
            kind = PERMISSIONS[permission].type
            if kind == PermissionType.SPECIAL:
                raise BadDataError(
                    f"The {permission.value} permission cannot be part of a custom role"
                )
            if type_ == RoleType.ROOT_CUSTOM and kind != PermissionType.ROOT:
                raise BadDataError(
                    f"{permission.value} is a {kind.value} permission; a custom root role may "
                    "only hold root permissions"
                )
            if type_ == RoleType.CUSTOM and kind == PermissionType.ROOT:
                raise BadDataError(
                    f"{permission.value} is a root permission; a custom project role may only "
                    "hold project and environment permissions"
                )
            environment = NO_ENVIRONMENT
            if kind == PermissionType.ENVIRONMENT:
                environment = (ref.environment or "").strip()
                if not environment:
                    raise BadDataError(f"{permission.value} needs an environment")
            rows.add((permission.value, environment))
        return sorted(rows)


def _lookup_permission(ref: PermissionRef) -> Permission:
    if ref.name is not None:
        try:
            return Permission(ref.name)
        except ValueError:
            raise BadDataError(f"Unknown permission {ref.name!r}") from None
    if ref.id is not None and ref.id in PERMISSIONS_BY_ID:
        return PERMISSIONS_BY_ID[ref.id]
    raise BadDataError(f"Unknown permission id {ref.id!r}")


def _holds(principal: Principal, permission: Permission, project: str | None, env: str) -> bool:
    kind = PERMISSIONS[permission].type
    if kind == PermissionType.ROOT:
        return is_allowed(principal, permission)
    if Permission.ADMIN in principal.grants.root:
        return True
    if kind == PermissionType.PROJECT:
        # A project role can be held in any project: the granter must hold it everywhere it
        # could be assigned, which only ADMIN guarantees; a root role's scope is "default".
        return project is not None and is_allowed(principal, permission, project)
    if env == ANY_ENVIRONMENT:
        held = principal.grants.environments.get(project or "", frozenset())
        return (permission.value, ANY_ENVIRONMENT) in held
    return project is not None and is_allowed(principal, permission, project, env)


def _role_data(role: Role) -> dict[str, object]:
    return {
        "id": role.id,
        "name": role.name,
        "description": role.description,
        "type": role.type,
        "permissions": [
            {"name": p.permission, "environment": p.environment or None} for p in role.permissions
        ],
    }


def _in_use_message(role: Role, holders: RoleHolders) -> str:
    parts = []
    if holders.users:
        parts.append(f"{len(holders.users)} user(s)")
    if holders.service_accounts:
        parts.append(f"{len(holders.service_accounts)} service account(s)")
    if holders.project_assignments:
        parts.append(f"{holders.project_assignments} project assignment(s)")
    return (
        f'Role "{role.name}" is in use by {", ".join(parts)}. '
        "Reassign them to another role before deleting it."
    )


def _in_use_details(holders: RoleHolders) -> list[dict[str, str]]:
    details = [
        {"message": f"User: {a.username or a.email}", "kind": "user", "id": str(a.id)}
        for a in holders.users
    ]
    details += [
        {"message": f"Service account: {a.username}", "kind": "serviceAccount", "id": str(a.id)}
        for a in holders.service_accounts
    ]
    if holders.project_assignments:
        details.append(
            {
                "message": f"{holders.project_assignments} project role assignment(s)",
                "kind": "project",
            }
        )
    return details
