"""Project access: which accounts (users and service accounts) hold which project roles.

No one can grant a role carrying a permission they do not hold in that project themselves.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from flagstaff.accounts.models import Account
from flagstaff.core.errors import BadDataError, NotFoundError, OperationDeniedError
from flagstaff.events.service import Actor, EventService
from flagstaff.flags import lookup
from flagstaff.flags.projects.models import DEFAULT_PROJECT, Project
from flagstaff.rbac.models import ANY_ENVIRONMENT, ProjectRoleAssignment, Role, RoleType
from flagstaff.rbac.permissions import PERMISSIONS, Permission, PermissionType, parse_permission
from flagstaff.rbac.policy import is_allowed
from flagstaff.rbac.predefined import OWNER_ROLE_ID
from flagstaff.rbac.principal import Principal


@dataclass(frozen=True)
class Member:
    account: Account
    role_ids: list[int]


class ProjectAccessService:
    def __init__(self, session: Session) -> None:
        self.session = session
        self.events = EventService(session)

    def project_roles(self) -> list[Role]:
        return list(
            self.session.scalars(
                select(Role).where(Role.type.in_(RoleType.PROJECT_TYPES)).order_by(Role.id)
            )
        )

    def members(self, project_id: str) -> list[Member]:
        lookup.project(self.session, project_id)
        rows = self.session.execute(
            select(ProjectRoleAssignment.account_id, ProjectRoleAssignment.role_id)
            .where(ProjectRoleAssignment.project == project_id)
            .order_by(ProjectRoleAssignment.account_id, ProjectRoleAssignment.role_id)
        ).all()
        roles_by_account: dict[int, list[int]] = defaultdict(list)
        for account_id, role_id in rows:
            roles_by_account[account_id].append(role_id)
        accounts = self.session.scalars(
            select(Account).where(Account.id.in_(roles_by_account)).order_by(Account.id)
        )
        return [Member(a, roles_by_account[a.id]) for a in accounts]

    def add_access(
        self,
        actor: Actor,
        principal: Principal,
        project_id: str,
        role_ids: list[int],
        account_ids: list[int],
        group_ids: list[int],
    ) -> None:
        lookup.project(self.session, project_id)
        if group_ids:
            raise BadDataError("Flagstaff has no groups; give roles to users or service accounts")
        roles = self._project_roles(role_ids)
        self._accounts(account_ids)
        for role in roles:
            ensure_can_grant_in(principal, role, project_id)
        existing = set(
            self.session.execute(
                select(ProjectRoleAssignment.account_id, ProjectRoleAssignment.role_id).where(
                    ProjectRoleAssignment.project == project_id
                )
            )
        )
        for role in roles:
            for account_id in dict.fromkeys(account_ids):
                if (account_id, role.id) not in existing:
                    self.session.add(
                        ProjectRoleAssignment(
                            account_id=account_id, project=project_id, role_id=role.id
                        )
                    )
        self.session.flush()
        self.events.record(
            actor,
            "project-access-added",
            data={"roles": [r.id for r in roles], "users": account_ids, "groups": group_ids},
            project=project_id,
        )

    def set_account_roles(
        self,
        actor: Actor,
        principal: Principal,
        project_id: str,
        account_id: int,
        role_ids: list[int],
    ) -> None:
        lookup.project(self.session, project_id)
        self._accounts([account_id])
        roles = self._project_roles(role_ids)
        before = self._roles_of(project_id, account_id)
        for role in roles:
            if role.id not in before:
                ensure_can_grant_in(principal, role, project_id)
        wanted = {r.id for r in roles}
        self._keep_an_owner(project_id, account_id, losing_owner=OWNER_ROLE_ID not in wanted)
        self._delete(project_id, account_id)
        for role_id in sorted(wanted):
            self.session.add(
                ProjectRoleAssignment(account_id=account_id, project=project_id, role_id=role_id)
            )
        self.session.flush()
        self.events.record(
            actor,
            "project-access-user-roles-updated",
            data={"userId": account_id, "roles": sorted(wanted)},
            pre_data={"userId": account_id, "roles": sorted(before)},
            project=project_id,
        )

    def remove_account(self, actor: Actor, project_id: str, account_id: int) -> None:
        lookup.project(self.session, project_id)
        self._accounts([account_id])
        before = self._roles_of(project_id, account_id)
        self._keep_an_owner(project_id, account_id, losing_owner=True)
        self._delete(project_id, account_id)
        self.events.record(
            actor,
            "project-access-user-roles-deleted",
            pre_data={"userId": account_id, "roles": sorted(before)},
            project=project_id,
        )

    def _roles_of(self, project_id: str, account_id: int) -> set[int]:
        return set(
            self.session.scalars(
                select(ProjectRoleAssignment.role_id)
                .where(ProjectRoleAssignment.project == project_id)
                .where(ProjectRoleAssignment.account_id == account_id)
            )
        )

    def _delete(self, project_id: str, account_id: int) -> None:
        self.session.execute(
            delete(ProjectRoleAssignment)
            .where(ProjectRoleAssignment.project == project_id)
            .where(ProjectRoleAssignment.account_id == account_id)
        )

    def _keep_an_owner(self, project_id: str, account_id: int, *, losing_owner: bool) -> None:
        """A project that has an owner keeps at least one, as Unleash insists."""
        if not losing_owner or OWNER_ROLE_ID not in self._roles_of(project_id, account_id):
            return
        others = self.session.execute(
            select(func.count())
            .where(ProjectRoleAssignment.project == project_id)
            .where(ProjectRoleAssignment.role_id == OWNER_ROLE_ID)
            .where(ProjectRoleAssignment.account_id != account_id)
        ).scalar_one()
        if not others:
            raise BadDataError("A project must have at least one owner")

    def _project_roles(self, role_ids: Iterable[int]) -> list[Role]:
        roles = []
        for role_id in dict.fromkeys(role_ids):
            role = self.session.get(Role, role_id)
            if role is None:
                raise NotFoundError(f"Could not find role with id {role_id}")
            if role.type not in RoleType.PROJECT_TYPES:
                raise BadDataError(
                    f'The role "{role.name}" is a root role; only project roles can be given '
                    "in a project"
                )
            roles.append(role)
        return roles

    def _accounts(self, account_ids: Iterable[int]) -> None:
        for account_id in dict.fromkeys(account_ids):
            if self.session.get(Account, account_id) is None:
                raise NotFoundError(f"Could not find user with id {account_id}")


def profile_projects(session: Session, account_id: int) -> list[str]:
    """The active projects the account holds a role in. Unleash stores every root role as
    held in the default project, so its profiles always list ``default``; so does ours."""
    assigned = session.scalars(
        select(ProjectRoleAssignment.project)
        .join(Project, Project.id == ProjectRoleAssignment.project)
        .where(ProjectRoleAssignment.account_id == account_id)
        .where(Project.archived_at.is_(None))
    )
    return sorted({DEFAULT_PROJECT, *assigned})


def roles_in_project(session: Session, account: Account, project: str) -> list[tuple[Role, str]]:
    """The account's root role and its roles in ``project``, each with the project Unleash
    reports it in (a root role: ``default``, where Unleash stores it)."""
    if session.get(Project, project) is None:
        raise NotFoundError(f"Could not find project with id: {project}")
    project_roles = session.scalars(
        select(Role)
        .join(ProjectRoleAssignment, ProjectRoleAssignment.role_id == Role.id)
        .where(ProjectRoleAssignment.account_id == account.id)
        .where(ProjectRoleAssignment.project == project)
        .order_by(Role.id)
    )
    return [(account.root_role, DEFAULT_PROJECT), *((r, project) for r in project_roles)]


def ensure_can_grant_in(principal: Principal, role: Role, project_id: str) -> None:
    """The granter must hold, in this project, every permission the role carries."""
    for row in role.permissions:
        permission = parse_permission(row.permission)
        if permission is None:
            continue
        if not _holds_in(principal, permission, project_id, row.environment):
            raise OperationDeniedError(
                f'You cannot give the role "{role.name}": it carries the {permission.value} '
                f"permission, which you do not hold in project {project_id}"
            )


def _holds_in(principal: Principal, permission: Permission, project_id: str, env: str) -> bool:
    if PERMISSIONS[permission].type != PermissionType.ENVIRONMENT:
        return is_allowed(principal, permission, project_id)
    if env != ANY_ENVIRONMENT:
        return is_allowed(principal, permission, project_id, env)
    if Permission.ADMIN in principal.grants.root:
        return True
    held = principal.grants.environments.get(project_id, frozenset())
    return (permission.value, ANY_ENVIRONMENT) in held
