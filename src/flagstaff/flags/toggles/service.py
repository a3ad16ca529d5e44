"""A flag per environment: switched on or off, and its variants there."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from flagstaff.core.errors import BadDataError
from flagstaff.events.service import Actor, EventService
from flagstaff.flags import lookup
from flagstaff.flags.environments.models import Environment
from flagstaff.flags.errors import InvalidOperationError
from flagstaff.flags.features.models import Feature, FeatureEnvironment
from flagstaff.flags.jsonpatch import apply_patch
from flagstaff.flags.strategies.defaults import DefaultStrategyService
from flagstaff.flags.strategies.models import FeatureStrategy
from flagstaff.flags.strategies.service import set_segments, strategy_json
from flagstaff.flags.strategies.variants import normalize_variants


class ToggleService:
    def __init__(self, session: Session) -> None:
        self.session = session
        self.events = EventService(session)

    def feature_environment(
        self, project_id: str, feature_name: str, env: str
    ) -> tuple[Feature, FeatureEnvironment]:
        lookup.project(self.session, project_id)
        feature = lookup.feature(self.session, project_id, feature_name)
        return feature, lookup.feature_environment(self.session, feature_name, env)

    def set_enabled(
        self, actor: Actor, project_id: str, feature_name: str, env: str, enabled: bool
    ) -> None:
        feature, feature_env = self.feature_environment(project_id, feature_name, env)
        if enabled and not lookup.strategies(self.session, feature_name, env):
            self._add_default_strategy(actor, feature, env)
        if feature_env.enabled == enabled:
            return
        feature_env.enabled = enabled
        self.session.flush()
        self.events.record(
            actor,
            "feature-environment-enabled" if enabled else "feature-environment-disabled",
            project=project_id,
            environment=env,
            feature_name=feature_name,
        )

    def environment_variants(
        self, project_id: str, feature_name: str, env: str
    ) -> list[dict[str, Any]]:
        return list(self.feature_environment(project_id, feature_name, env)[1].variants)

    def set_environment_variants(
        self,
        actor: Actor,
        project_id: str,
        feature_name: str,
        env: str,
        variants: list[dict[str, Any]],
    ) -> list[dict[str, Any]]:
        _, feature_env = self.feature_environment(project_id, feature_name, env)
        before = list(feature_env.variants)
        feature_env.variants = normalize_variants(variants, overrides_allowed=True)
        self.session.flush()
        self.events.record(
            actor,
            "feature-environment-variants-updated",
            data={"variants": feature_env.variants},
            pre_data={"variants": before},
            project=project_id,
            environment=env,
            feature_name=feature_name,
        )
        return list(feature_env.variants)

    def replace_environment_variants(
        self,
        actor: Actor,
        project_id: str,
        feature_name: str,
        env: str,
        variants: list[dict[str, Any]],
    ) -> list[dict[str, Any]]:
        """PUT on one environment's variants, refused as Unleash 8 refuses it (below)."""
        self.feature_environment(project_id, feature_name, env)
        self._refuse_new_environment_variants(feature_name)
        return self.set_environment_variants(actor, project_id, feature_name, env, variants)

    def patch_environment_variants(
        self,
        actor: Actor,
        project_id: str,
        feature_name: str,
        env: str,
        operations: list[dict[str, Any]],
    ) -> list[dict[str, Any]]:
        current = self.environment_variants(project_id, feature_name, env)
        self._refuse_new_environment_variants(feature_name)
        patched = _patched_list(current, operations)
        return self.set_environment_variants(actor, project_id, feature_name, env, patched)

    def _refuse_new_environment_variants(self, feature_name: str) -> None:
        """Unleash 8 keeps per-environment variants only for flags that already have some (in
        any environment): others get strategy variants, or the same variants on chosen
        environments at once (``set_feature_variants``). Refused alike, a flag can move back."""
        if not any(feature_env.variants for feature_env in self._environments(feature_name)):
            raise InvalidOperationError(
                f"Environment variants deprecated for feature: {feature_name}. "
                "Use strategy variants instead."
            )

    def feature_variants(self, project_id: str, feature_name: str) -> list[dict[str, Any]]:
        """The legacy flag-wide variants: those of the flag's first environment."""
        lookup.project(self.session, project_id)
        lookup.feature(self.session, project_id, feature_name)
        first = self._environments(feature_name)
        return list(first[0].variants) if first else []

    def set_feature_variants(
        self,
        actor: Actor,
        project_id: str,
        feature_name: str,
        variants: list[dict[str, Any]],
        environments: list[str] | None = None,
    ) -> list[dict[str, Any]]:
        """The same variants in every environment of the flag (or the ones named)."""
        lookup.project(self.session, project_id)
        lookup.feature(self.session, project_id, feature_name)
        checked = normalize_variants(variants, overrides_allowed=True)
        targets = self._environments(feature_name)
        if environments is not None:
            targets = [
                lookup.feature_environment(self.session, feature_name, e)
                for e in dict.fromkeys(environments)
            ]
        before = targets[0].variants if targets else []
        for feature_env in targets:
            feature_env.variants = checked
        self.session.flush()
        self.events.record(
            actor,
            "feature-variants-updated",
            data={"variants": checked, "environments": [t.environment for t in targets]},
            pre_data={"variants": before},
            project=project_id,
            feature_name=feature_name,
        )
        return checked

    def patch_feature_variants(
        self, actor: Actor, project_id: str, feature_name: str, operations: list[dict[str, Any]]
    ) -> list[dict[str, Any]]:
        current = self.feature_variants(project_id, feature_name)
        patched = _patched_list(current, operations)
        return self.set_feature_variants(actor, project_id, feature_name, patched)

    def _environments(self, feature_name: str) -> list[FeatureEnvironment]:
        return list(
            self.session.scalars(
                select(FeatureEnvironment)
                .join(Environment, Environment.name == FeatureEnvironment.environment)
                .where(FeatureEnvironment.feature_name == feature_name)
                .order_by(Environment.sort_order, Environment.name)
            )
        )

    def _add_default_strategy(self, actor: Actor, feature: Feature, env: str) -> None:
        wanted = DefaultStrategyService(self.session).for_flag(feature.project, env, feature.name)
        strategy = FeatureStrategy(
            id=str(uuid.uuid4()),
            feature_name=feature.name,
            environment=env,
            strategy_name=wanted.get("name", "flexibleRollout"),
            title=wanted.get("title"),
            parameters=dict(wanted.get("parameters") or {}),
            constraints=list(wanted.get("constraints") or []),
            variants=list(wanted.get("variants") or []),
            sort_order=0,
            disabled=bool(wanted.get("disabled")),
            created_by_user_id=actor.user_id,
        )
        # A segment deleted since the default was set stays named, so the strategy evaluates
        # false rather than reaching everyone (see strategies.set_segments).
        set_segments(strategy, list(wanted.get("segments") or []))
        self.session.add(strategy)
        self.session.flush()
        self.events.record(
            actor,
            "feature-strategy-add",
            data=strategy_json(strategy),
            project=feature.project,
            environment=env,
            feature_name=feature.name,
        )


def _patched_list(current: list[dict[str, Any]], operations: list[dict[str, Any]]) -> Any:
    patched = apply_patch(current, operations)
    if not isinstance(patched, list):
        raise BadDataError("The patched variants must stay a list")
    return patched
