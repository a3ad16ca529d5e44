"""Strategy definitions (``/api/admin/strategies``): the built-in ones and custom ones."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from flagstaff.core.db import NAME_LENGTH
from flagstaff.core.errors import BadDataError, ConflictError, NameExistsError, NotFoundError
from flagstaff.events.service import Actor, EventService
from flagstaff.flags.errors import InvalidOperationError
from flagstaff.flags.strategies.models import FeatureStrategy, StrategyDefinition

PARAMETER_TYPES = ("string", "percentage", "list", "number", "boolean")


@dataclass(frozen=True)
class DefinitionInput:
    name: str
    title: str | None
    description: str | None
    parameters: list[dict[str, Any]]


def definition_json(definition: StrategyDefinition) -> dict[str, Any]:
    return {
        "name": definition.name,
        "displayName": definition.display_name,
        "title": definition.title,
        "description": definition.description or "",
        "editable": not definition.built_in,
        "deprecated": definition.deprecated,
        "parameters": definition.parameters,
    }


class DefinitionService:
    def __init__(self, session: Session) -> None:
        self.session = session
        self.events = EventService(session)

    def all(self) -> list[StrategyDefinition]:
        return list(
            self.session.scalars(
                select(StrategyDefinition).order_by(
                    StrategyDefinition.sort_order, StrategyDefinition.name
                )
            )
        )

    def get(self, name: str) -> StrategyDefinition:
        definition = self.session.get(StrategyDefinition, name)
        if definition is None:
            raise NotFoundError(f"Could not find strategy type with name {name}")
        return definition

    def create(self, actor: Actor, given: DefinitionInput) -> StrategyDefinition:
        _check_name(given.name)
        if self.session.get(StrategyDefinition, given.name) is not None:
            raise NameExistsError(f"Strategy with name {given.name} already exist!")
        definition = StrategyDefinition(name=given.name, built_in=False, deprecated=False)
        self._apply(definition, given)
        self.session.add(definition)
        try:
            with self.session.begin_nested():
                self.session.flush()
        except IntegrityError:
            raise NameExistsError(f"Strategy with name {given.name} already exist!") from None
        self.events.record(actor, "strategy-created", data=definition_json(definition))
        return definition

    def update(self, actor: Actor, name: str, given: DefinitionInput) -> StrategyDefinition:
        definition = self._editable(name, "edit")
        before = definition_json(definition)
        self._apply(definition, given)
        self.session.flush()
        self.events.record(
            actor, "strategy-updated", data=definition_json(definition), pre_data=before
        )
        return definition

    def delete(self, actor: Actor, name: str) -> None:
        definition = self._editable(name, "delete")
        in_use = self.session.execute(
            select(func.count()).where(FeatureStrategy.strategy_name == name)
        ).scalar_one()
        if in_use:
            raise ConflictError(
                f"The strategy {name} is used by {in_use} flag strategies; remove them first"
            )
        before = definition_json(definition)
        self.session.delete(definition)
        self.session.flush()
        self.events.record(actor, "strategy-deleted", pre_data=before)

    def set_deprecated(self, actor: Actor, name: str, deprecated: bool) -> None:
        definition = self.get(name)
        definition.deprecated = deprecated
        self.session.flush()
        self.events.record(
            actor,
            "strategy-deprecated" if deprecated else "strategy-reactivated",
            data={"name": name},
        )

    def _editable(self, name: str, verb: str) -> StrategyDefinition:
        definition = self.get(name)
        if definition.built_in:
            raise InvalidOperationError(f"You can not {verb} a built-in strategy")
        return definition

    @staticmethod
    def _apply(definition: StrategyDefinition, given: DefinitionInput) -> None:
        seen: set[str] = set()
        parameters = []
        for index, raw in enumerate(given.parameters):
            name, kind = raw.get("name"), raw.get("type")
            if not isinstance(name, str) or not name.strip():
                raise BadDataError(f"parameters[{index}]: a parameter needs a `name`")
            if kind not in PARAMETER_TYPES:
                raise BadDataError(
                    f"parameters[{index}]: `type` must be one of {', '.join(PARAMETER_TYPES)}"
                )
            if name in seen:
                raise BadDataError(f"parameters[{index}]: the name {name} is used twice")
            seen.add(name)
            description = raw.get("description") or ""
            required = raw.get("required", False)
            if not isinstance(description, str) or not isinstance(required, bool):
                raise BadDataError(f"parameters[{index}]: `description` or `required` is invalid")
            parameters.append(
                {"name": name, "type": kind, "description": description, "required": required}
            )
        definition.title = given.title
        definition.display_name = given.title
        definition.description = given.description
        definition.parameters = parameters


def _check_name(name: str) -> None:
    if not name.strip() or len(name) > NAME_LENGTH:
        raise BadDataError(f"A strategy name is 1 to {NAME_LENGTH} characters")
