"""Carrying out a plan through the features' own services, so that each change is checked and
recorded exactly as the same change made through the API would be, under the same actor."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from flagstaff.config import Settings
from flagstaff.core.errors import FlagstaffError
from flagstaff.events.service import Actor, EventService
from flagstaff.flags.projects.access import ProjectAccessService
from flagstaff.flags.projects.service import ProjectFields, ProjectService
from flagstaff.provisioning.changes import ROLE_TYPES, Action, Change, Kind, Plan
from flagstaff.provisioning.errors import ApplyFailedError, Problem
from flagstaff.provisioning.ledger import LEDGER_EVENT
from flagstaff.provisioning.schemas import (
    ProjectSpec,
    RoleSpec,
    ServiceAccountSpec,
    each_environment,
)
from flagstaff.provisioning.trust import write_policies
from flagstaff.rbac.models import Role
from flagstaff.rbac.principal import Principal
from flagstaff.roles.service import PermissionRef, RoleService
from flagstaff.service_accounts.service import ServiceAccountChanges, ServiceAccountService

# Creations and updates in the order their references need (a service account's roles and
# projects first), deletions in the reverse (an account before the role it holds).
ORDER = (Kind.ROLE, Kind.PROJECT, Kind.SERVICE_ACCOUNT)


class Applier:
    def __init__(
        self,
        session: Session,
        actor: Actor,
        principal: Principal,
        accounts: ServiceAccountService,
        settings: Settings,
    ) -> None:
        self.session = session
        self.settings = settings
        self.actor = actor
        self.principal = principal
        self.accounts = accounts
        self.roles = RoleService(session)
        self.projects = ProjectService(session)
        self.access = ProjectAccessService(session)

    def apply(self, plan: Plan) -> None:
        """Every change of ``plan``, then the ledger event; ``ApplyFailedError`` naming the
        change a service refused (the caller rolls the transaction back)."""
        for kind in ORDER:
            for change in plan.changes:
                if change.kind == kind and change.action in (Action.CREATE, Action.UPDATE):
                    with _refusal(change):
                        self._write(change)
        for kind in reversed(ORDER):
            for change in plan.changes:
                if change.kind == kind and change.action == Action.DELETE:
                    with _refusal(change):
                        self._delete(change)
        EventService(self.session).record(self.actor, LEDGER_EVENT, data=_ledger_data(plan))

    def _write(self, change: Change) -> None:
        spec = change.spec
        if isinstance(spec, RoleSpec):
            self._role(change, spec)
        elif isinstance(spec, ProjectSpec):
            self._project(change, spec)
        elif isinstance(spec, ServiceAccountSpec):
            self._service_account(change, spec)

    def _role(self, change: Change, spec: RoleSpec) -> None:
        refs = [
            PermissionRef(None, p.name, environment)
            for p in spec.permissions or []
            for environment in each_environment(p)
        ]
        if change.action == Action.CREATE:
            role = self.roles.create(
                self.actor,
                self.principal,
                spec.name,
                spec.description or "",
                ROLE_TYPES[spec.type],
                refs,
            )
            change.target = role.id
            return
        assert isinstance(change.target, int)
        existing = self.roles.get(change.target)
        description = spec.description if spec.description is not None else existing.description
        if spec.permissions is None:  # left as they are
            refs = [
                PermissionRef(None, p.permission, p.environment or None)
                for p in existing.permissions
            ]
        self.roles.update(
            self.actor, self.principal, change.target, spec.name, description, None, refs
        )

    def _project(self, change: Change, spec: ProjectSpec) -> None:
        fields = ProjectFields(
            name=spec.name,
            description=spec.description,
            mode=spec.mode,
            default_stickiness=spec.default_stickiness,
            feature_limit=spec.feature_limit,
        )
        if change.action == Action.CREATE:
            # No owner by creation: who holds which role in it is what the file says.
            self.projects.create(self.actor, None, spec.id, fields, spec.environments)
            change.target = spec.id
            return
        if set(change.fields) - {"environments"}:
            self.projects.update(self.actor, spec.id, fields)
        if "environments" in change.fields:
            before, after = change.fields["environments"]
            for environment in sorted(set(after) - set(before)):
                self.projects.add_environment(self.actor, spec.id, environment)
            for environment in sorted(set(before) - set(after)):
                self.projects.remove_environment(self.actor, spec.id, environment)

    def _service_account(self, change: Change, spec: ServiceAccountSpec) -> None:
        if change.action == Action.CREATE:
            account = self.accounts.create(
                self.actor, self.principal, spec.username, spec.name, spec.root_role
            )
            change.target = account.id
        elif {"name", "rootRole"} & set(change.fields):
            assert isinstance(change.target, int)
            self.accounts.update(
                self.actor,
                self.principal,
                change.target,
                ServiceAccountChanges(name=spec.name, root_role=spec.root_role),
            )
        assert isinstance(change.target, int)
        if "projectRoles" in change.fields:
            self._project_roles(change.target, change.fields["projectRoles"])
        if "managers" in change.fields and change.manager_ids is not None:
            self.accounts.set_managers(self.actor, change.target, change.manager_ids)
        if "trustPolicies" in change.fields and spec.trust_policies is not None:
            write_policies(
                self.session,
                self.settings,
                self.actor,
                self.accounts.get(change.target),
                spec.trust_policies,
                change.fields["trustPolicies"][1],
            )

    def _project_roles(self, account_id: int, before_after: tuple[Any, Any]) -> None:
        before, after = before_after
        wanted: dict[str, set[str]] = {}
        for pair in after:
            wanted.setdefault(pair["project"], set()).add(pair["role"])
        held = {pair["project"] for pair in before or []}
        rows = self.session.execute(select(Role.name, Role.id)).all()
        role_ids: dict[str, int] = {row[0]: row[1] for row in rows}
        for project in sorted(held | set(wanted)):
            roles = wanted.get(project, set())
            if roles == {p["role"] for p in before or [] if p["project"] == project}:
                continue
            if roles:
                ids = sorted(role_ids[name] for name in roles)
                self.access.set_account_roles(self.actor, self.principal, project, account_id, ids)
            else:
                self.access.remove_account(self.actor, project, account_id)

    def _delete(self, change: Change) -> None:
        target = change.target
        if change.kind == Kind.SERVICE_ACCOUNT:
            assert isinstance(target, int)
            self.accounts.delete(self.actor, self.principal, target)
        elif change.kind == Kind.PROJECT:
            assert isinstance(target, str)
            self.projects.delete(self.actor, target)
        else:
            assert isinstance(target, int)
            self.roles.delete(self.actor, target)


@contextmanager
def _refusal(change: Change) -> Iterator[None]:
    try:
        yield
    except FlagstaffError as error:
        raise ApplyFailedError(Problem(change.line, change.label, error.message)) from error


def _ledger_data(plan: Plan) -> dict[str, Any]:
    def section(action: Action) -> dict[str, list[dict[str, Any]]]:
        found: dict[str, list[dict[str, Any]]] = {}
        for change in plan.changes:
            if change.action == action:
                found.setdefault(_SECTIONS[change.kind], []).append(
                    {"id": change.target, "name": change.key}
                )
        return found

    return {
        "file": plan.file,
        "prune": plan.prune,
        "created": section(Action.CREATE),
        "updated": section(Action.UPDATE),
        "deleted": section(Action.DELETE),
    }


_SECTIONS = {Kind.SERVICE_ACCOUNT: "serviceAccounts", Kind.ROLE: "roles", Kind.PROJECT: "projects"}
