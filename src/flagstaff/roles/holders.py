"""Who holds a role (users, service accounts, project assignments), and the error that says so
when someone tries to delete it."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from flagstaff.accounts.models import Account
from flagstaff.core.errors import RoleInUseError
from flagstaff.rbac.models import ProjectRoleAssignment, Role


@dataclass(frozen=True)
class RoleHolders:
    users: list[Account]
    service_accounts: list[Account]
    # project -> how many accounts hold the role there
    projects: dict[str, int]

    @property
    def empty(self) -> bool:
        return not (self.users or self.service_accounts or self.projects)


def find_holders(session: Session, role: Role) -> RoleHolders:
    accounts = list(
        session.scalars(select(Account).where(Account.root_role_id == role.id).order_by(Account.id))
    )
    per_project = session.execute(
        select(ProjectRoleAssignment.project, func.count())
        .where(ProjectRoleAssignment.role_id == role.id)
        .group_by(ProjectRoleAssignment.project)
        .order_by(ProjectRoleAssignment.project)
    )
    return RoleHolders(
        users=[a for a in accounts if not a.is_service],
        service_accounts=[a for a in accounts if a.is_service],
        projects=dict(per_project.all()),
    )


def in_use_error(role: Role, holders: RoleHolders) -> RoleInUseError:
    return RoleInUseError(_in_use_message(role, holders), details=_in_use_details(holders))


def _in_use_message(role: Role, holders: RoleHolders) -> str:
    parts = []
    if holders.users:
        parts.append(f"{len(holders.users)} user(s)")
    if holders.service_accounts:
        parts.append(f"{len(holders.service_accounts)} service account(s)")
    if holders.projects:
        parts.append(f"{sum(holders.projects.values())} project assignment(s)")
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
    details += [
        {
            "message": f"Project {project}: held by {count} account(s)",
            "kind": "project",
            "project": project,
        }
        for project, count in holders.projects.items()
    ]
    return details
