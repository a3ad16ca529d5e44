"""The plan: for each object a file declares, whether applying creates it, updates it (and which
fields change) or leaves it unchanged; with prune, the objects this file once created and no
longer declares, to delete. Every problem that would keep the file from applying is collected
with its line, and none is left for the apply step to find if the database can tell now."""

from __future__ import annotations

from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from flagstaff.accounts.models import Account
from flagstaff.config import Settings
from flagstaff.core.errors import BadDataError
from flagstaff.flags.environments.models import Environment
from flagstaff.flags.projects.models import Project
from flagstaff.provisioning.changes import (
    FILE_ROLE_TYPES,
    ROLE_TYPES,
    Action,
    Change,
    Kind,
    Plan,
    permission_text,
)
from flagstaff.provisioning.errors import InvalidFileError, Problem
from flagstaff.provisioning.prune import deletions, leaves_no_admin
from flagstaff.provisioning.schemas import (
    ProjectSpec,
    ProvisioningFile,
    RoleSpec,
    ServiceAccountSpec,
    each_environment,
)
from flagstaff.provisioning.source import Path, Source
from flagstaff.provisioning.trust import current_policies, wanted_policy
from flagstaff.rbac.models import ANY_ENVIRONMENT, AccountManager, ProjectRoleAssignment, Role
from flagstaff.rbac.permissions import PERMISSIONS, PermissionType, parse_permission
from flagstaff.rbac.principal import Principal
from flagstaff.roles.service import PermissionRef, permission_row


def _decided(change: Change) -> Change:
    if change.action == Action.UPDATE and not change.fields:
        change.action = Action.UNCHANGED
    return change


class Planner:
    def __init__(self, session: Session, principal: Principal, settings: Settings) -> None:
        self.session = session
        self.principal = principal
        self.settings = settings
        self.problems: list[Problem] = []

    def plan(self, source: Source, spec: ProvisioningFile, *, prune: bool) -> Plan:
        self.source = source
        self.file = spec
        self.roles = {r.name: r for r in self.session.scalars(select(Role))}
        self.projects = {p.id: p for p in self.session.scalars(select(Project))}
        self.environments = set(self.session.scalars(select(Environment.name)))
        self.declared_roles = {r.name: r for r in reversed(spec.roles)}
        self.declared_projects = {p.id for p in spec.projects}
        changes = [
            *(self._role(i, r) for i, r in self._unique(spec.roles, "roles", "name")),
            *(self._project(i, p) for i, p in self._unique(spec.projects, "projects", "id")),
            *self._service_accounts(spec.service_accounts),
        ]
        if prune:
            pruned, problems = deletions(self.session, self.principal, spec, set(self.projects))
            changes += pruned
            self.problems += [self.source.problem((), p) for p in problems]
        if leaves_no_admin(self.session, changes):
            self._fail((), "applying would leave no account with the Admin role")
        if self.problems:
            raise InvalidFileError(self.problems)
        return Plan(spec.name, prune, [_decided(c) for c in changes])

    def _fail(self, path: Path, message: str) -> None:
        self.problems.append(self.source.problem(path, message))

    def _unique(self, specs: list[Any], section: str, key: str) -> list[tuple[int, Any]]:
        seen: set[str] = set()
        kept = []
        for i, spec in enumerate(specs):
            value = getattr(spec, key)
            if value in seen:
                self._fail((section, i, key), f"{value!r} is declared twice")
                continue
            seen.add(value)
            kept.append((i, spec))
        return kept

    # Roles

    def _role(self, i: int, spec: RoleSpec) -> Change:
        path: Path = ("roles", i)
        type_ = ROLE_TYPES[spec.type]
        rows = self._permission_rows(path, type_, spec)
        change = Change(Kind.ROLE, spec.name, Action.CREATE, self.source.line_of(path), spec=spec)
        existing = self.roles.get(spec.name)
        if existing is None:
            change.fields = {
                "type": (None, spec.type),
                "description": (None, spec.description or ""),
                "permissions": (None, sorted(map(permission_text, rows))),
            }
            return change
        change.action, change.target = Action.UPDATE, existing.id
        if existing.is_predefined:
            self._fail((*path, "name"), f"{spec.name!r} is a built-in role; it cannot be declared")
            return change
        if existing.type != type_:
            was = FILE_ROLE_TYPES.get(existing.type, existing.type)
            self._fail((*path, "type"), f"the role is a {was} role; a role's type cannot change")
            return change
        if spec.description is not None and spec.description != existing.description:
            change.fields["description"] = (existing.description, spec.description)
        current = {(p.permission, p.environment) for p in existing.permissions}
        if spec.permissions is not None and current != rows:
            change.fields["permissions"] = (
                sorted(map(permission_text, current)),
                sorted(map(permission_text, rows)),
            )
        return change

    def _permission_rows(self, path: Path, type_: str, spec: RoleSpec) -> set[tuple[str, str]]:
        rows: set[tuple[str, str]] = set()
        for j, permission in enumerate(spec.permissions or []):
            where: Path = (*path, "permissions", j)
            known = parse_permission(permission.name)
            kind = PERMISSIONS[known].type if known else None
            environments = permission.environments
            if environments is not None and kind not in (None, PermissionType.ENVIRONMENT):
                self._fail(
                    (*where, "environments"),
                    f"{permission.name} is not an environment permission: give it no environments",
                )
                continue
            for environment in environments or []:
                if environment != ANY_ENVIRONMENT and environment not in self.environments:
                    self._fail((*where, "environments"), f"no environment is named {environment!r}")
            for each in each_environment(permission):
                try:
                    ref = PermissionRef(None, permission.name, each)
                    rows.add(permission_row(type_, ref))
                except BadDataError as error:
                    self._fail((*where, "name"), error.message)
                    break
        return rows

    def _role_type(self, name: str) -> str | None:
        """``root`` or ``project`` for a role that exists or that the file declares."""
        declared = self.declared_roles.get(name)
        if declared is not None:
            return declared.type
        role = self.roles.get(name)
        if role is None:
            return None
        return "root" if role.is_root else "project"

    # Projects

    def _project(self, i: int, spec: ProjectSpec) -> Change:
        path: Path = ("projects", i)
        for environment in spec.environments or []:
            if environment not in self.environments:
                self._fail((*path, "environments"), f"no environment is named {environment!r}")
        wanted: dict[str, Any] = {
            "name": spec.name,
            "description": spec.description,
            "mode": spec.mode,
            "defaultStickiness": spec.default_stickiness,
            "featureLimit": spec.feature_limit,
            "environments": sorted(set(spec.environments)) if spec.environments else None,
        }
        change = Change(Kind.PROJECT, spec.id, Action.CREATE, self.source.line_of(path), spec=spec)
        existing = self.projects.get(spec.id)
        if existing is None:
            change.fields = {k: (None, v) for k, v in wanted.items() if v is not None}
            return change
        current: dict[str, Any] = {
            "name": existing.name,
            "description": existing.description,
            "mode": existing.mode,
            "defaultStickiness": existing.default_stickiness,
            "featureLimit": existing.feature_limit,
            "environments": sorted(e.environment for e in existing.environments),
        }
        change.action, change.target = Action.UPDATE, existing.id
        change.fields = {
            k: (current[k], v) for k, v in wanted.items() if v is not None and current[k] != v
        }
        return change

    # Service accounts

    def _service_accounts(self, specs: list[ServiceAccountSpec]) -> list[Change]:
        kept = self._unique(specs, "serviceAccounts", "username")
        usernames = [spec.username for _, spec in kept]
        existing = {
            a.username: a
            for a in self.session.scalars(select(Account).where(Account.username.in_(usernames)))
        }
        ids = [a.id for a in existing.values() if a.is_service]
        project_roles = self._project_roles_of(ids)
        managers = self._managers_of(ids)
        changes = []
        for i, spec in kept:
            account = existing.get(spec.username)
            path: Path = ("serviceAccounts", i)
            if account is not None and not account.is_service:
                self._fail(
                    (*path, "username"),
                    "a person has this username; people are not declared in files",
                )
                continue
            change = Change(
                Kind.SERVICE_ACCOUNT, spec.username, Action.CREATE, self.source.line_of(path)
            )
            change.spec = spec
            wanted = self._account_wanted(path, spec, change)
            if account is None:
                change.fields = {k: (None, v) for k, v in wanted.items() if v is not None}
            else:
                current = {
                    "name": account.name,
                    "rootRole": account.root_role.name,
                    "projectRoles": project_roles.get(account.id, []),
                    "managers": managers.get(account.id, []),
                    "trustPolicies": (
                        current_policies(self.session, self.settings, account)
                        if spec.trust_policies is not None
                        else None
                    ),
                }
                change.action, change.target = Action.UPDATE, account.id
                change.fields = {
                    k: (current[k], v)
                    for k, v in wanted.items()
                    if v is not None and current[k] != v
                }
            changes.append(change)
        return changes

    def _account_wanted(
        self, path: Path, spec: ServiceAccountSpec, change: Change
    ) -> dict[str, Any]:
        root_type = self._role_type(spec.root_role)
        if root_type != "root":
            what = "a project role" if root_type else "not a role that exists or is declared"
            self._fail((*path, "rootRole"), f"{spec.root_role!r} is {what}; give a root role")
        project_roles = None
        if spec.project_roles is not None:
            pairs = set()
            for j, pr in enumerate(spec.project_roles):
                where: Path = (*path, "projectRoles", j)
                if pr.project not in self.projects and pr.project not in self.declared_projects:
                    self._fail((*where, "project"), f"no project has the id {pr.project!r}")
                role_type = self._role_type(pr.role)
                if role_type != "project":
                    what = "a root role" if role_type else "not a role that exists or is declared"
                    self._fail((*where, "role"), f"{pr.role!r} is {what}; give a project role")
                pairs.add((pr.project, pr.role))
            project_roles = [{"project": p, "role": r} for p, r in sorted(pairs)]
        managers = None
        if spec.managers is not None:
            found = self._people(path, spec.managers)
            change.manager_ids = sorted(found)
            managers = sorted(set(found.values()))
        return {
            "name": spec.name,
            "rootRole": spec.root_role,
            "projectRoles": project_roles,
            "managers": managers,
            "trustPolicies": self._trust_policies(path, spec),
        }

    def _trust_policies(self, path: Path, spec: ServiceAccountSpec) -> list[Any] | None:
        if spec.trust_policies is None:
            return None
        wanted = []
        names: set[str] = set()
        for k, policy in enumerate(spec.trust_policies):
            where: Path = (*path, "trustPolicies", k)
            if policy.name in names:
                self._fail((*where, "name"), f"{policy.name!r} is declared twice")
                continue
            names.add(policy.name)
            state, problems = wanted_policy(
                self.session, self.settings, policy, self.declared_projects
            )
            for problem in problems:
                self._fail(where, problem)
            wanted.append(state)
        return sorted(wanted, key=lambda p: str(p["name"]))

    def _people(self, path: Path, names: list[str]) -> dict[int, str]:
        """The people named (by username or e-mail address), by id, each with its name."""
        found: dict[int, str] = {}
        for j, name in enumerate(names):
            person = self.session.scalars(
                select(Account).where(
                    or_(Account.username == name, Account.email == name.lower()),
                    Account.is_service.is_(False),
                )
            ).first()
            if person is None:
                self._fail((*path, "managers", j), f"no user has the username or e-mail {name!r}")
                continue
            found[person.id] = _person_name(person)
        return found

    def _project_roles_of(self, ids: list[int]) -> dict[int, list[dict[str, str]]]:
        rows = self.session.execute(
            select(ProjectRoleAssignment.account_id, ProjectRoleAssignment.project, Role.name)
            .join(Role, Role.id == ProjectRoleAssignment.role_id)
            .where(ProjectRoleAssignment.account_id.in_(ids))
            .order_by(ProjectRoleAssignment.project, Role.name)
        )
        found: dict[int, list[dict[str, str]]] = {}
        for account_id, project, role in rows:
            found.setdefault(account_id, []).append({"project": project, "role": role})
        return found

    def _managers_of(self, ids: list[int]) -> dict[int, list[str]]:
        rows = self.session.execute(
            select(AccountManager.account_id, Account)
            .join(Account, Account.id == AccountManager.manager_id)
            .where(AccountManager.account_id.in_(ids))
        )
        found: dict[int, list[str]] = {}
        for account_id, person in rows:
            found.setdefault(account_id, []).append(_person_name(person))
        return {k: sorted(set(v)) for k, v in found.items()}

    # Prune


def _person_name(person: Account) -> str:
    return person.username or person.email or f"account-{person.id}"
