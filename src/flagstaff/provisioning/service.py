"""Applying a provisioning file: read it, check it, plan it, and carry the plan out in the
caller's transaction (or, for a dry run, in a savepoint that is rolled back)."""

from __future__ import annotations

from pydantic import ValidationError
from pydantic_core import ErrorDetails
from sqlalchemy.orm import Session

from flagstaff.config import Settings
from flagstaff.events.service import Actor
from flagstaff.provisioning.apply import Applier
from flagstaff.provisioning.changes import Plan
from flagstaff.provisioning.errors import InvalidFileError, Problem
from flagstaff.provisioning.plan import Planner
from flagstaff.provisioning.schemas import ProvisioningFile
from flagstaff.provisioning.source import Source, dotted, read
from flagstaff.rbac.principal import Principal
from flagstaff.service_accounts.service import ServiceAccountService


def parse(text: str) -> tuple[Source, ProvisioningFile]:
    """The file's values and its validated form, or ``InvalidFileError`` with every problem."""
    source = read(text)
    try:
        return source, ProvisioningFile.model_validate(source.data)
    except ValidationError as error:
        raise InvalidFileError([_problem(source, e) for e in error.errors()]) from None


def _problem(source: Source, error: ErrorDetails) -> Problem:
    path = tuple(part for part in error["loc"] if isinstance(part, str | int))
    if error["type"] == "missing":
        return Problem(source.line_of(path[:-1]), dotted(path), f"`{path[-1]}` is required here")
    message = f"unknown key `{path[-1]}`" if error["type"] == "extra_forbidden" else error["msg"]
    return source.problem(path, message)


class Provisioner:
    def __init__(
        self, session: Session, accounts: ServiceAccountService, settings: Settings
    ) -> None:
        self.session = session
        self.accounts = accounts
        self.settings = settings

    def apply(
        self,
        actor: Actor,
        principal: Principal,
        text: str,
        *,
        dry_run: bool = False,
        prune: bool = False,
    ) -> Plan:
        """The plan for ``text``; applied unless ``dry_run``. A dry run carries the plan out
        too, in a savepoint rolled back at the end, so that it finds whatever the services
        would refuse. Nothing is written when nothing changes, not even an event."""
        source, spec = parse(text)
        plan = Planner(self.session, principal, self.settings).plan(source, spec, prune=prune)
        plan.dry_run = dry_run
        if not plan.changed:
            return plan
        applier = Applier(self.session, actor, principal, self.accounts, self.settings)
        if not dry_run:
            applier.apply(plan)
            plan.applied = True
            return plan
        savepoint = self.session.begin_nested()
        try:
            applier.apply(plan)
        finally:
            savepoint.rollback()
        return plan
