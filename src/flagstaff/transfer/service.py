"""Validating and applying an import. Every change goes through the flag services, so it is checked
and recorded as the same change made by hand would be; the caller's one transaction makes the
import all or nothing."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from flagstaff.core.errors import BadDataError, FlagstaffError, PermissionDeniedError
from flagstaff.events.service import Actor, EventService
from flagstaff.flags import lookup
from flagstaff.flags.context.service import ContextFieldInput, ContextFieldService, legal_value
from flagstaff.flags.features.dependencies import DependencyService
from flagstaff.flags.features.service import FeatureFields, FeatureService
from flagstaff.flags.schemas import dumped
from flagstaff.flags.strategies.service import StrategyInput, StrategyService
from flagstaff.flags.tags.service import Tag, TagService
from flagstaff.flags.toggles.service import ToggleService
from flagstaff.rbac.permissions import PERMISSIONS, Permission
from flagstaff.rbac.policy import is_allowed
from flagstaff.rbac.principal import Principal
from flagstaff.transfer import messages
from flagstaff.transfer.plan import Finding, ImportPlan, plan_import
from flagstaff.transfer.schemas import ExportDocumentIn, FeatureStrategyIn


class ImportPermissionError(PermissionDeniedError):
    """Missing permissions by display name, as Unleash's import reports them."""

    def __init__(self, missing: list[str]) -> None:
        listed = ", ".join(f'"{m}"' for m in missing)
        FlagstaffError.__init__(
            self,
            "You don't have the required permissions to perform this operation. To perform "
            f"this action, you need one of the following permissions: {listed}.",
        )
        self.permissions = missing


def missing_permissions(principal: Principal, plan: ImportPlan) -> list[Permission]:
    return [p for p in plan.needed if not is_allowed(principal, p, plan.project, plan.environment)]


class ImportService:
    def __init__(self, session: Session) -> None:
        self.session = session
        self.events = EventService(session)

    def validate(
        self,
        actor: Actor,
        principal: Principal,
        project: str,
        environment: str,
        document: ExportDocumentIn,
    ) -> dict[str, Any]:
        plan = plan_import(self.session, project, environment, document)
        if not plan.errors:
            failure = self._trial(actor, plan)
            if failure is not None:
                plan.errors.append(failure)
        missing = [PERMISSIONS[p].display_name for p in missing_permissions(principal, plan)]
        permissions = [Finding(messages.PERMISSIONS, missing)] if missing else []
        return {
            "errors": [f.to_json() for f in plan.errors],
            "warnings": [f.to_json() for f in plan.warnings],
            "permissions": [f.to_json() for f in permissions],
        }

    def run(
        self,
        actor: Actor,
        principal: Principal,
        project: str,
        environment: str,
        document: ExportDocumentIn,
    ) -> None:
        if principal.api_scope is not None and principal.api_scope.type == "admin":
            # Unleash's rule: an import is made by someone, which an admin token is not.
            raise BadDataError(messages.NO_ADMIN_TOKENS)
        plan = plan_import(self.session, project, environment, document)
        missing = missing_permissions(principal, plan)
        if missing:
            raise ImportPermissionError([PERMISSIONS[p].display_name for p in missing])
        if plan.errors:
            first = plan.errors[0]
            raise BadDataError(
                f"{first.message} {', '.join(first.affected)}".strip(),
                details=[
                    {"message": f"{e.message} {', '.join(e.affected)}".strip()} for e in plan.errors
                ],
            )
        _Apply(self.session, actor, plan).run()
        self.events.record(
            actor, "features-imported", project=plan.project, environment=plan.environment
        )

    def _trial(self, actor: Actor, plan: ImportPlan) -> Finding | None:
        """Runs the import in a savepoint that is always rolled back: what the services would
        refuse (a constraint, a variant weight, a dependency cycle) is reported now, not met
        half-way through the import."""
        savepoint = self.session.begin_nested()
        try:
            _Apply(self.session, actor, plan).run()
        except FlagstaffError as error:
            return Finding(messages.WOULD_FAIL, [error.message])
        finally:
            if savepoint.is_active:
                savepoint.rollback()
        return None


class _Apply:
    """Unleash's order: flags, their variants, tag types, tags, context fields; then, in the
    environment, strategies, on/off and dependencies."""

    def __init__(self, session: Session, actor: Actor, plan: ImportPlan) -> None:
        self.session = session
        self.actor = actor
        self.plan = plan

    def run(self) -> None:
        self._flags()
        self._tag_types()
        self._tags()
        self._context_fields()
        self._strategies()
        self._variants()
        self._states()
        self._dependencies()

    def _flags(self) -> None:
        features = FeatureService(self.session)
        for given in self.plan.features:
            fields = FeatureFields(
                description=given.description,
                type=given.type,
                stale=given.stale,
                impression_data=given.impression_data,
            )
            if given.name in self.plan.existing:
                features.update(self.actor, self.plan.project, given.name, fields, replace=True)
            else:
                features.create(self.actor, self.plan.project, given.name, fields)

    def _tag_types(self) -> None:
        tags = TagService(self.session)
        for tag_type in self.plan.new_tag_types:
            tags.create_tag_type(self.actor, tag_type.name, tag_type.description, tag_type.icon)

    def _tags(self) -> None:
        """Each imported flag ends with exactly the imported tags (Unleash replaces them)."""
        service = TagService(self.session)
        for name in dict.fromkeys(self.plan.names):
            wanted = [
                Tag(t.tag_type, t.tag_value)
                for t in self.plan.feature_tags
                if t.feature_name == name and t.tag_type is not None
            ]
            current = service.tags_of(name)
            removed = [t for t in current if t not in wanted]
            added = [t for t in dict.fromkeys(wanted) if t not in current]
            if added or removed:
                service.update(self.actor, name, added, removed)

    def _context_fields(self) -> None:
        fields = ContextFieldService(self.session)
        for given in self.plan.new_context_fields:
            fields.create(
                self.actor,
                given.name,
                # A project's field is created in the target project, as Unleash does.
                self.plan.project if given.project else None,
                ContextFieldInput(
                    description=given.description,
                    stickiness=bool(given.stickiness),
                    sort_order=given.sort_order,
                    legal_values=[legal_value(v.value, v.description) for v in given.legal_values],
                ),
            )

    def _strategies(self) -> None:
        """The imported strategies replace the flag's strategies in the environment. New ones
        are added before old ones go, so a flag that stays on never passes through having none
        (which would switch it off)."""
        service = StrategyService(self.session)
        project, env = self.plan.project, self.plan.environment
        for name in dict.fromkeys(self.plan.names):
            old = lookup.strategies(self.session, name, env)
            for given in self.plan.strategies:
                if given.feature_name == name:
                    service.add(self.actor, project, name, env, self._strategy_input(given))
            for strategy in old:
                service.delete(self.actor, project, name, env, strategy.id)

    def _strategy_input(self, given: FeatureStrategyIn) -> StrategyInput:
        return StrategyInput(
            name=given.name,
            title=given.title,
            disabled=given.disabled,
            sort_order=given.sort_order,
            parameters=dict(given.parameters),
            constraints=dumped(given.constraints),
            variants=dumped(given.variants),
            segments=[self.plan.segment_ids[s] for s in given.segments],
        )

    def _variants(self) -> None:
        toggles = ToggleService(self.session)
        project, env = self.plan.project, self.plan.environment
        for given in self.plan.feature_environments:
            wanted = dumped(given.variants)
            if wanted != toggles.environment_variants(project, given.flag, env):
                toggles.set_environment_variants(self.actor, project, given.flag, env, wanted)

    def _states(self) -> None:
        toggles = ToggleService(self.session)
        for given in self.plan.feature_environments:
            toggles.set_enabled(
                self.actor, self.plan.project, given.flag, self.plan.environment, given.enabled
            )

    def _dependencies(self) -> None:
        dependencies = DependencyService(self.session)
        for child in self.plan.dependencies:
            for parent in child.dependencies:
                dependencies.add(
                    self.actor,
                    self.plan.project,
                    child.feature,
                    parent.feature,
                    parent.enabled,
                    parent.variants,
                )
