"""Activation strategies of a flag in one environment, in their sort order."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from flagstaff.core.errors import BadDataError, NotFoundError
from flagstaff.events.service import Actor, EventService
from flagstaff.flags import lookup
from flagstaff.flags.constraints.validation import normalize_constraints
from flagstaff.flags.features.models import FeatureEnvironment
from flagstaff.flags.jsonpatch import apply_patch
from flagstaff.flags.strategies.models import (
    FeatureStrategy,
    FeatureStrategySegment,
    StrategyDefinition,
)
from flagstaff.flags.strategies.variants import normalize_variants

MAX_TITLE = 255
MAX_SEGMENT_ID = 2_147_483_647  # the column is a 32-bit integer


@dataclass(frozen=True)
class StrategyInput:
    name: str
    title: str | None = None
    disabled: bool | None = None
    sort_order: int | None = None
    parameters: dict[str, str] = field(default_factory=dict)
    constraints: list[dict[str, Any]] = field(default_factory=list)
    variants: list[dict[str, Any]] = field(default_factory=list)
    segments: list[int] = field(default_factory=list)
    # An update that sends no segments keeps the strategy's, as Unleash does.
    keep_segments: bool = False


def strategy_json(strategy: FeatureStrategy) -> dict[str, Any]:
    """Unleash's featureStrategySchema, also what the Client API serves per strategy."""
    return {
        "id": strategy.id,
        "name": strategy.strategy_name,
        "title": strategy.title,
        "disabled": strategy.disabled,
        "sortOrder": strategy.sort_order,
        "constraints": strategy.constraints,
        "parameters": strategy.parameters,
        "variants": strategy.variants,
        "segments": strategy.segment_ids,
    }


def strategy_input_from(document: Mapping[str, Any]) -> StrategyInput:
    """A strategy document (after a JSON Patch) back into checked input."""
    name = document.get("name")
    if not isinstance(name, str):
        raise BadDataError("`name` must be a string")
    parameters = document.get("parameters") or {}
    segments = document.get("segments") or []
    sort_order = document.get("sortOrder")
    if not isinstance(parameters, dict):
        raise BadDataError("`parameters` must be an object of strings")
    if not isinstance(segments, list) or not all(_is_segment_id(s) for s in segments):
        raise BadDataError("`segments` must be a list of segment ids")
    if sort_order is not None and (isinstance(sort_order, bool) or not isinstance(sort_order, int)):
        raise BadDataError("`sortOrder` must be a whole number")
    title, disabled = document.get("title"), document.get("disabled")
    if title is not None and not isinstance(title, str):
        raise BadDataError("`title` must be a string")
    if disabled is not None and not isinstance(disabled, bool):
        raise BadDataError("`disabled` must be a boolean")
    return StrategyInput(
        name=name,
        title=title,
        disabled=disabled,
        sort_order=sort_order,
        parameters=parameters,
        constraints=list(document.get("constraints") or []),
        variants=list(document.get("variants") or []),
        segments=segments,
    )


class StrategyService:
    def __init__(self, session: Session) -> None:
        self.session = session
        self.events = EventService(session)

    def all(self, project_id: str, feature_name: str, env: str) -> list[FeatureStrategy]:
        self._feature_env(project_id, feature_name, env)
        return lookup.strategies(self.session, feature_name, env)

    def get(
        self, project_id: str, feature_name: str, env: str, strategy_id: str
    ) -> FeatureStrategy:
        self._feature_env(project_id, feature_name, env)
        return lookup.strategy(self.session, feature_name, env, strategy_id)

    def add(
        self, actor: Actor, project_id: str, feature_name: str, env: str, given: StrategyInput
    ) -> FeatureStrategy:
        lookup.project(self.session, project_id)
        lookup.feature(self.session, project_id, feature_name)
        lookup.project_environment(self.session, project_id, env)
        lookup.feature_environment(self.session, feature_name, env)
        strategy = FeatureStrategy(
            id=str(uuid.uuid4()),
            feature_name=feature_name,
            environment=env,
            created_by_user_id=actor.user_id,
        )
        self._apply(strategy, given)
        if given.sort_order is None:
            highest = self.session.execute(
                select(func.max(FeatureStrategy.sort_order))
                .where(FeatureStrategy.feature_name == feature_name)
                .where(FeatureStrategy.environment == env)
            ).scalar_one()
            strategy.sort_order = 0 if highest is None else highest + 1
        self.session.add(strategy)
        self.session.flush()
        self.events.record(
            actor,
            "feature-strategy-add",
            data=strategy_json(strategy),
            project=project_id,
            environment=env,
            feature_name=feature_name,
        )
        return strategy

    def update(
        self,
        actor: Actor,
        project_id: str,
        feature_name: str,
        env: str,
        strategy_id: str,
        given: StrategyInput,
    ) -> FeatureStrategy:
        strategy = self.get(project_id, feature_name, env, strategy_id)
        before = strategy_json(strategy)
        self._apply(strategy, given)
        self.session.flush()
        self.events.record(
            actor,
            "feature-strategy-update",
            data=strategy_json(strategy),
            pre_data=before,
            project=project_id,
            environment=env,
            feature_name=feature_name,
        )
        return strategy

    def patch(
        self,
        actor: Actor,
        project_id: str,
        feature_name: str,
        env: str,
        strategy_id: str,
        operations: list[dict[str, Any]],
    ) -> FeatureStrategy:
        strategy = self.get(project_id, feature_name, env, strategy_id)
        patched = apply_patch(strategy_json(strategy), operations)
        if not isinstance(patched, dict) or patched.get("id") != strategy.id:
            raise BadDataError("A patch cannot replace the strategy or change its id")
        given = strategy_input_from(patched)
        return self.update(actor, project_id, feature_name, env, strategy_id, given)

    def delete(
        self, actor: Actor, project_id: str, feature_name: str, env: str, strategy_id: str
    ) -> None:
        strategy = self.get(project_id, feature_name, env, strategy_id)
        before = strategy_json(strategy)
        self.session.delete(strategy)
        self.session.flush()
        self.events.record(
            actor,
            "feature-strategy-remove",
            pre_data=before,
            project=project_id,
            environment=env,
            feature_name=feature_name,
        )
        feature_env = lookup.feature_environment(self.session, feature_name, env)
        if feature_env.enabled and not lookup.strategies(self.session, feature_name, env):
            # As Unleash: with its last strategy gone, the flag is off there.
            feature_env.enabled = False
            self.session.flush()
            self.events.record(
                actor,
                "feature-environment-disabled",
                project=project_id,
                environment=env,
                feature_name=feature_name,
            )

    def set_sort_order(
        self,
        actor: Actor,
        project_id: str,
        feature_name: str,
        env: str,
        orders: list[tuple[str, int]],
    ) -> None:
        self._feature_env(project_id, feature_name, env)
        strategies = {s.id: s for s in lookup.strategies(self.session, feature_name, env)}
        before = [{"id": s.id, "sortOrder": s.sort_order} for s in strategies.values()]
        for strategy_id, _ in orders:
            if strategy_id not in strategies:
                raise NotFoundError(f"Could not find strategy with id: {strategy_id}")
        for strategy_id, sort_order in orders:
            strategies[strategy_id].sort_order = sort_order
        self.session.flush()
        self.events.record(
            actor,
            "strategy-order-changed",
            data=[{"id": i, "sortOrder": o} for i, o in orders],
            pre_data=before,
            project=project_id,
            environment=env,
            feature_name=feature_name,
        )

    def _feature_env(self, project_id: str, feature_name: str, env: str) -> None:
        lookup.project(self.session, project_id)
        lookup.feature(self.session, project_id, feature_name)
        if self.session.get(FeatureEnvironment, (feature_name, env)) is None:
            raise NotFoundError(f"Feature {feature_name} does not have environment {env}")

    def _apply(self, strategy: FeatureStrategy, given: StrategyInput) -> None:
        if self.session.get(StrategyDefinition, given.name) is None:
            raise BadDataError(f"Could not find strategy type with name {given.name}")
        if given.title is not None and len(given.title) > MAX_TITLE:
            raise BadDataError(f"`title` is longer than {MAX_TITLE} characters")
        for key, value in given.parameters.items():
            if not isinstance(key, str) or not isinstance(value, str):
                raise BadDataError("Every strategy parameter value must be a string")
        strategy.strategy_name = given.name
        strategy.title = given.title
        strategy.disabled = bool(given.disabled)
        if given.sort_order is not None:
            strategy.sort_order = given.sort_order
        strategy.parameters = dict(given.parameters)
        strategy.constraints = normalize_constraints(given.constraints)
        strategy.variants = normalize_variants(given.variants, overrides_allowed=False)
        if not given.keep_segments:
            set_segments(strategy, given.segments)


def set_segments(strategy: FeatureStrategy, segment_ids: list[int]) -> None:
    """The strategy's segments become exactly these. An id naming no segment is kept as given:
    the client specification (F9.withMissingSegment) says such a strategy evaluates to false,
    so dropping the reference would widen the audience instead."""
    current = {link.segment_id: link for link in strategy.segment_links}
    # In id order, as the relationship loads them, so a response matches every later read.
    strategy.segment_links = [
        current.get(s) or FeatureStrategySegment(segment_id=s) for s in sorted(set(segment_ids))
    ]


def _is_segment_id(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= MAX_SEGMENT_ID
