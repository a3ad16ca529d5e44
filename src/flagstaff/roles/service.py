"""Roles: the predefined ones, custom root and project roles, and who may grant what."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from flagstaff.core.errors import (
    BadDataError,
    NameExistsError,
    NotFoundError,
    RoleInUseError,
)
from flagstaff.events.service import Actor, EventService
from flagstaff.rbac.granting import ensure_can_grant
from flagstaff.rbac.models import (
    NO_ENVIRONMENT,
    Role,
    RolePermission,
    RoleType,
)
from flagstaff.rbac.permissions import (
    PERMISSIONS,
    PERMISSIONS_BY_ID,
    Permission,
    PermissionType,
)
from flagstaff.rbac.principal import Principal
from flagstaff.roles.holders import RoleHolders, find_holders, in_use_error


@dataclass(frozen=True)
class PermissionRef:
    id: int | None = None
    name: str | None = None
    environment: str | None = None


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

    def create(
        self,
        actor: Actor,
        principal: Principal,
        name: str,
        description: str,
        type_: str | None,
        permissions: list[PermissionRef],
    ) -> Role:
        # Unleash assumes a custom project role when no type is given.
        type_ = type_ or RoleType.CUSTOM
        self._ensure_name_free(name, None)
        role = Role(name=name, description=description, type=type_)
        role.permissions = self._permission_objects(type_, permissions)
        ensure_can_grant(principal, role)
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
        type_: str | None,
        permissions: list[PermissionRef],
    ) -> Role:
        role = self.get(role_id)
        if role.is_predefined:
            raise BadDataError("You cannot change built in roles.")
        if type_ is not None and type_ != role.type:
            raise BadDataError(
                f"A role's type cannot change: this role is {role.type!r}, not {type_!r}"
            )
        self._ensure_name_free(name, role.id)
        before = _role_data(role)
        new_permissions = self._permission_objects(role.type, permissions)
        role.name, role.description = name, description
        role.permissions = new_permissions
        ensure_can_grant(principal, role)
        self._flush_unique(name)
        self.events.record(actor, "role-updated", data=_role_data(role), pre_data=before)
        return role

    def delete(self, actor: Actor, role_id: int) -> None:
        role = self.get(role_id)
        if role.is_predefined:
            raise BadDataError("You cannot delete built in roles.")
        holders = self.holders(role)
        if not holders.empty:
            raise in_use_error(role, holders)
        before = _role_data(role)
        try:
            with self.session.begin_nested():
                self.session.delete(role)
                self.session.flush()
        except IntegrityError:
            # Someone was given the role after the check above; the foreign key refused.
            raise RoleInUseError(
                f'Role "{before["name"]}" was just assigned to someone; it is in use.'
            ) from None
        self.events.record(actor, "role-deleted", pre_data=before)

    def validate(
        self,
        name: str,
        role_id: int | None,
        type_: str | None,
        permissions: list[PermissionRef],
    ) -> None:
        """What create (or, with ``role_id``, update) would refuse, without changing anything."""
        if role_id is not None:
            role = self.get(role_id)
            if role.is_predefined:
                raise BadDataError("You cannot change built in roles.")
            type_ = type_ or role.type
        self._permission_objects(type_ or RoleType.CUSTOM, permissions)
        self._ensure_name_free(name, role_id)

    def _ensure_name_free(self, name: str, role_id: int | None) -> None:
        existing = self.session.scalars(select(Role.id).where(Role.name == name)).first()
        if existing is not None and existing != role_id:
            raise NameExistsError(f'There already exists a role with the name "{name}"')

    def holders(self, role: Role) -> RoleHolders:
        return find_holders(self.session, role)

    def _flush_unique(self, name: str) -> None:
        try:
            with self.session.begin_nested():
                self.session.flush()
        except IntegrityError:
            raise NameExistsError(f'There already exists a role with the name "{name}"') from None

    @staticmethod
    def _permission_objects(type_: str, refs: list[PermissionRef]) -> list[RolePermission]:
        rows = {permission_row(type_, ref) for ref in refs}
        return [RolePermission(permission=p, environment=e) for p, e in sorted(rows)]


def permission_row(type_: str, ref: PermissionRef) -> tuple[str, str]:
    """The (permission, environment) row a role of ``type_`` stores for ``ref``; BadDataError
    saying why when such a role cannot hold it."""
    permission = _lookup_permission(ref)
    kind = PERMISSIONS[permission].type
    if kind == PermissionType.SPECIAL:
        raise BadDataError(f"The {permission.value} permission cannot be part of a custom role")
    if type_ == RoleType.ROOT_CUSTOM and kind != PermissionType.ROOT:
        raise BadDataError(
            f"{permission.value} is a {kind.value} permission; a custom root role may only hold "
            "root permissions"
        )
    if type_ == RoleType.CUSTOM and kind == PermissionType.ROOT:
        raise BadDataError(
            f"{permission.value} is a root permission; a custom project role may only hold "
            "project and environment permissions"
        )
    if kind != PermissionType.ENVIRONMENT:
        return permission.value, NO_ENVIRONMENT
    environment = (ref.environment or "").strip()
    if not environment:
        raise BadDataError(f"{permission.value} is an environment permission: name an environment")
    return permission.value, environment


def _lookup_permission(ref: PermissionRef) -> Permission:
    if ref.name is not None:
        try:
            return Permission(ref.name)
        except ValueError:
            raise BadDataError(f"Unknown permission {ref.name!r}") from None
    if ref.id is not None and ref.id in PERMISSIONS_BY_ID:
        return PERMISSIONS_BY_ID[ref.id]
    raise BadDataError(f"Unknown permission id {ref.id!r}")


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
