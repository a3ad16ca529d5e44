"""Context fields: the names constraints may use, with their legal values.

A field is global or belongs to one project; names are unique across both, as in Unleash. A field
still named by a constraint of an active flag cannot be deleted (Unleash answers 409 too).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from flagstaff.core.errors import BadDataError, ConflictError, NameExistsError, NotFoundError
from flagstaff.core.schemas import iso
from flagstaff.events.service import Actor, EventService
from flagstaff.flags import lookup
from flagstaff.flags.context.models import ContextField
from flagstaff.flags.context.schemas import DESCRIPTION_MAX, NAME_MAX
from flagstaff.flags.features.models import Feature
from flagstaff.flags.strategies.models import FeatureStrategy

# Unleash's limits (``nameType`` and ``contextSchema``).
LEGAL_VALUE_MAX = 100
# What encodeURIComponent leaves alone, which is Unleash's test of a URL-friendly name.
URL_SAFE = "-_.!~*'()"


@dataclass(frozen=True)
class ContextFieldInput:
    description: str | None
    stickiness: bool
    sort_order: int | None
    legal_values: list[dict[str, str]]


@dataclass(frozen=True)
class FieldUsage:
    features: int
    projects: int


@dataclass(frozen=True)
class StrategyUse:
    id: str
    feature_name: str
    project: str
    environment: str
    strategy_name: str


def context_field_json(field: ContextField, usage: FieldUsage | None = None) -> dict[str, Any]:
    """Unleash's contextFieldSchema; the usage counts only where Unleash lists them."""
    body: dict[str, Any] = {
        "name": field.name,
        "description": field.description,
        "stickiness": field.stickiness,
        "sortOrder": field.sort_order,
        "legalValues": list(field.legal_values),
        "createdAt": iso(field.created_at),
    }
    if usage is not None:
        body["usedInProjects"] = usage.projects
        body["usedInFeatures"] = usage.features
    if field.project is not None:
        body["project"] = field.project
    return body


def legal_value(value: str, description: str | None) -> dict[str, str]:
    return {"value": value} if description is None else {"value": value, "description": description}


class ContextFieldService:
    def __init__(self, session: Session) -> None:
        self.session = session
        self.events = EventService(session)

    def listed(self, project: str | None, *, include: str | None) -> list[ContextField]:
        """Unleash's listing: global fields (all fields with ``include=project``); for a project,
        its own fields (and the global ones with ``include=root``)."""
        statement = select(ContextField).order_by(ContextField.name)
        wanted = (include or "").lower()
        if project is None:
            if wanted != "project":
                statement = statement.where(ContextField.project.is_(None))
        else:
            lookup.project(self.session, project)
            if wanted == "root":
                statement = statement.where(
                    (ContextField.project == project) | ContextField.project.is_(None)
                )
            else:
                statement = statement.where(ContextField.project == project)
        return list(self.session.scalars(statement))

    def check_project(self, project: str) -> None:
        lookup.project(self.session, project)

    def get(self, name: str, project: str | None = None) -> ContextField:
        """A field by name; through a project, only a global field or one of that project."""
        if project is not None:
            lookup.project(self.session, project)
        field = self.session.get(ContextField, name)
        if field is None:
            raise NotFoundError(f"Could not find context field with name {name}")
        if project is not None and field.project not in (None, project):
            raise NotFoundError(f"Could not find context field {name} in project {project}")
        return field

    def owned(self, name: str, project: str | None) -> ContextField:
        """A field to change: through a project, it must belong to that project."""
        field = self.get(name, project)
        if project is not None and field.project != project:
            raise NotFoundError(f"Could not find context field {name} in project {project}")
        return field

    def usage(self) -> dict[str, FieldUsage]:
        features: dict[str, set[str]] = defaultdict(set)
        projects: dict[str, set[str]] = defaultdict(set)
        for use in self._constraint_uses(None):
            features[use.field].add(use.strategy.feature_name)
            projects[use.field].add(use.strategy.project)
        return {name: FieldUsage(len(features[name]), len(projects[name])) for name in features}

    def strategies(self, name: str) -> list[StrategyUse]:
        """Strategies of active flags whose own constraints name the field (an unknown name
        has none, as in Unleash)."""
        return [use.strategy for use in self._constraint_uses(name)]

    def validate_name(self, name: str) -> None:
        check_name(name)
        if self.session.get(ContextField, name) is not None:
            raise NameExistsError("A context field with that name already exist")

    def create(
        self, actor: Actor, name: str, project: str | None, given: ContextFieldInput
    ) -> ContextField:
        self.validate_name(name)
        if project is not None:
            lookup.project(self.session, project)
        field = ContextField(name=name, project=project)
        _apply(field, given, sort_order_default=0)
        self.session.add(field)
        try:
            with self.session.begin_nested():
                self.session.flush()
        except IntegrityError:
            raise NameExistsError("A context field with that name already exist") from None
        self.events.record(
            actor, "context-field-created", data=context_field_json(field), project=project
        )
        return field

    def update(
        self, actor: Actor, name: str, project: str | None, given: ContextFieldInput
    ) -> ContextField:
        """A full replacement, as Unleash's PUT: omitted legal values are cleared and
        stickiness returns to false; an omitted description or sort order is kept."""
        field = self.owned(name, project)
        before = context_field_json(field)
        _apply(field, given, sort_order_default=field.sort_order)
        return self._updated(actor, field, before)

    def put_legal_value(
        self, actor: Actor, name: str, project: str | None, value: str, description: str | None
    ) -> ContextField:
        """Adds the value, or replaces the description of the value already there."""
        field = self.owned(name, project)
        given = legal_value(value, description)
        _check_legal_values([given])
        before = context_field_json(field)
        values = [item for item in field.legal_values if item.get("value") != value]
        position = next(
            (i for i, item in enumerate(field.legal_values) if item.get("value") == value),
            len(values),
        )
        values.insert(position, given)
        field.legal_values = values
        return self._updated(actor, field, before)

    def delete_legal_value(
        self, actor: Actor, name: str, project: str | None, value: str
    ) -> ContextField:
        """Removes the value if present; an absent value is no error (as in Unleash)."""
        field = self.owned(name, project)
        before = context_field_json(field)
        field.legal_values = [item for item in field.legal_values if item.get("value") != value]
        return self._updated(actor, field, before)

    def delete(self, actor: Actor, name: str, project: str | None) -> None:
        field = self.owned(name, project)
        if self.strategies(name):
            raise ConflictError(
                "This context field is in use by existing flags. To delete it, first remove its "
                "usage from all flags."
            )
        before, owner = context_field_json(field), field.project
        self.session.delete(field)
        self.session.flush()
        self.events.record(actor, "context-field-deleted", pre_data=before, project=owner)

    def _updated(self, actor: Actor, field: ContextField, before: dict[str, Any]) -> ContextField:
        self.session.flush()
        self.events.record(
            actor,
            "context-field-updated",
            data=context_field_json(field),
            pre_data=before,
            project=field.project,
        )
        return field

    def _constraint_uses(self, name: str | None) -> list[_Use]:
        # Constraints are JSON; reading them is portable where a JSON path query is not.
        rows = self.session.execute(
            select(
                FeatureStrategy.id,
                FeatureStrategy.feature_name,
                Feature.project,
                FeatureStrategy.environment,
                FeatureStrategy.strategy_name,
                FeatureStrategy.constraints,
            )
            .join(Feature, Feature.name == FeatureStrategy.feature_name)
            .where(Feature.archived_at.is_(None))
            .order_by(
                FeatureStrategy.feature_name,
                FeatureStrategy.environment,
                FeatureStrategy.sort_order,
            )
        ).all()
        uses = []
        for strategy_id, feature, project, environment, strategy_name, constraints in rows:
            named = {c.get("contextName") for c in constraints if isinstance(c, dict)}
            for field in sorted(n for n in named if isinstance(n, str)):
                if name is None or field == name:
                    strategy = StrategyUse(
                        strategy_id, feature, project, environment, strategy_name
                    )
                    uses.append(_Use(field, strategy))
        return uses


@dataclass(frozen=True)
class _Use:
    field: str
    strategy: StrategyUse


def check_name(name: str) -> None:
    if not name:
        raise BadDataError('"name" is not allowed to be empty')
    if len(name) > NAME_MAX:
        raise BadDataError(f'"name" length must be less than or equal to {NAME_MAX} characters')
    if quote(name, safe=URL_SAFE) != name or name in (".", ".."):
        raise BadDataError(f'"name" must be URL friendly. You provided "{name}".')


def _apply(field: ContextField, given: ContextFieldInput, *, sort_order_default: int) -> None:
    if given.description is not None and len(given.description) > DESCRIPTION_MAX:
        raise BadDataError(
            f'"description" length must be less than or equal to {DESCRIPTION_MAX} characters'
        )
    _check_legal_values(given.legal_values)
    if given.description is not None:
        field.description = given.description
    field.stickiness = given.stickiness
    field.sort_order = given.sort_order if given.sort_order is not None else sort_order_default
    field.legal_values = list(given.legal_values)


def _check_legal_values(values: list[dict[str, str]]) -> None:
    seen: set[str] = set()
    for index, item in enumerate(values):
        value = item["value"]
        if not value:
            raise BadDataError(f'"legalValues[{index}].value" is not allowed to be empty')
        if len(value) > LEGAL_VALUE_MAX:
            raise BadDataError(
                f'"legalValues[{index}].value" length must be less than or equal to '
                f"{LEGAL_VALUE_MAX} characters"
            )
        if value in seen:
            raise BadDataError(f'"legalValues[{index}]" contains a duplicate value: "{value}"')
        seen.add(value)
