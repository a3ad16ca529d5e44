"""Prune: the objects an apply of this file created and it no longer declares, and the rule
that no apply leaves the instance without an Admin."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from flagstaff.accounts.models import Account
from flagstaff.flags.projects.models import DEFAULT_PROJECT
from flagstaff.provisioning import ledger
from flagstaff.provisioning.changes import Action, Change, Kind, deletion
from flagstaff.provisioning.schemas import ProvisioningFile
from flagstaff.rbac.models import Role
from flagstaff.rbac.predefined import ADMIN_ROLE_ID
from flagstaff.rbac.principal import Principal


def deletions(
    session: Session, principal: Principal, spec: ProvisioningFile, projects: set[str]
) -> tuple[list[Change], list[str]]:
    """The deletions prune plans (accounts, projects, roles), and why it cannot."""
    owned = ledger.owned(session, spec.name)
    declared_accounts = {a.username for a in spec.service_accounts}
    declared_projects = {p.id for p in spec.projects} | {DEFAULT_PROJECT}
    declared_roles = {r.name for r in spec.roles}
    changes, problems = [], []
    for account_id in sorted(owned.service_accounts):
        account = session.get(Account, account_id)
        if account is None or not account.is_service or account.username in declared_accounts:
            continue
        assert account.username is not None
        if account.id == principal.account_id:
            problems.append(f"prune would delete {account.username!r}, the caller's own account")
        changes.append(deletion(Kind.SERVICE_ACCOUNT, account.username, account.id))
    for project_id in sorted(owned.projects):
        if project_id in projects and project_id not in declared_projects:
            changes.append(deletion(Kind.PROJECT, project_id, project_id))
    for role_id in sorted(owned.roles):
        role = session.get(Role, role_id)
        if role is None or role.is_predefined or role.name in declared_roles:
            continue
        changes.append(deletion(Kind.ROLE, role.name, role.id))
    return changes, problems


def leaves_no_admin(session: Session, changes: list[Change]) -> bool:
    """Whether deleting and re-rolling service accounts as planned would leave no account
    (person or service account) with the Admin role."""
    admin = session.get(Role, ADMIN_ROLE_ID)
    admin_name = admin.name if admin is not None else None
    accounts = [c for c in changes if c.kind == Kind.SERVICE_ACCOUNT]
    root_roles = {c.target: c.fields["rootRole"][1] for c in accounts if "rootRole" in c.fields}
    losing = {c.target for c in accounts if c.action == Action.DELETE} | {
        target for target, role in root_roles.items() if role != admin_name
    }
    if not losing or admin_name in root_roles.values():
        return False
    admins = session.scalars(
        select(Account.id).where(
            Account.root_role_id == ADMIN_ROLE_ID, Account.disabled_at.is_(None)
        )
    )
    return not set(admins) - losing
