"""Copying a flag under a new name, as Unleash does: its fields, its strategies and variants in
every environment and its dependencies, each recorded as the event its own creation records.
The copy starts switched off everywhere, and takes no tags."""

from __future__ import annotations

from sqlalchemy.orm import Session

from flagstaff.events.service import Actor
from flagstaff.flags import lookup
from flagstaff.flags.features.dependencies import DependencyService
from flagstaff.flags.features.models import Feature
from flagstaff.flags.features.service import FeatureFields, FeatureService
from flagstaff.flags.strategies.models import FeatureStrategy
from flagstaff.flags.strategies.service import StrategyInput, StrategyService

GROUP_ID = "groupId"


class CloneService:
    def __init__(self, session: Session) -> None:
        self.session = session

    def clone(
        self,
        actor: Actor,
        project_id: str,
        source_name: str,
        name: str,
        *,
        replace_group_id: bool = True,
    ) -> Feature:
        lookup.project(self.session, project_id)
        source = lookup.feature(self.session, project_id, source_name)
        copy = FeatureService(self.session).create(
            actor,
            project_id,
            name,
            FeatureFields(
                description=source.description,
                type=source.type,
                impression_data=source.impression_data,
            ),
        )
        variants = {env.environment: env.variants for env in source.environments}
        strategies = StrategyService(self.session)
        for feature_env in copy.environments:
            env = feature_env.environment
            # Unleash copies variants without an event of their own: feature-created covers it.
            feature_env.variants = list(variants.get(env, []))
            for strategy in lookup.strategies(self.session, source.name, env):
                strategies.add(
                    actor, project_id, copy.name, env, _copied(strategy, name, replace_group_id)
                )
        self.session.flush()
        dependencies = DependencyService(self.session)
        for parent in dependencies.parents_of(source.name):
            dependencies.add(
                actor, project_id, copy.name, parent.parent, parent.enabled, parent.variants
            )
        return copy


def _copied(strategy: FeatureStrategy, name: str, replace_group_id: bool) -> StrategyInput:
    parameters = dict(strategy.parameters)
    if replace_group_id and GROUP_ID in parameters:
        # The copy rolls out on its own: the same users need not get both flags.
        parameters[GROUP_ID] = name
    return StrategyInput(
        name=strategy.strategy_name,
        title=strategy.title,
        disabled=strategy.disabled,
        sort_order=strategy.sort_order,
        parameters=parameters,
        constraints=list(strategy.constraints),
        variants=list(strategy.variants),
        segments=strategy.segment_ids,
    )
