"""The strategy a flag gets when switched on in an environment where it has none.

Each project environment may set its own; without one, Unleash's default applies: a gradual
rollout to 100% with the project's stickiness and the flag's name as group.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from flagstaff.core.errors import BadDataError
from flagstaff.events.service import Actor, EventService
from flagstaff.flags import lookup
from flagstaff.flags.constraints.validation import normalize_constraints
from flagstaff.flags.projects.models import ProjectEnvironment
from flagstaff.flags.strategies.models import StrategyDefinition
from flagstaff.flags.strategies.service import StrategyInput
from flagstaff.flags.strategies.variants import normalize_variants


def built_in_default(project_stickiness: str, feature_name: str) -> dict[str, Any]:
    return {
        "name": "flexibleRollout",
        "constraints": [],
        "parameters": {
            "rollout": "100",
            "stickiness": project_stickiness or "default",
            "groupId": feature_name,
        },
    }


class DefaultStrategyService:
    def __init__(self, session: Session) -> None:
        self.session = session
        self.events = EventService(session)

    def for_flag(self, project_id: str, env: str, feature_name: str) -> dict[str, Any]:
        project = lookup.project(self.session, project_id)
        link = self.session.get(ProjectEnvironment, (project_id, env))
        if link is not None and link.default_strategy:
            chosen = dict(link.default_strategy)
            parameters = dict(chosen.get("parameters") or {})
            if chosen.get("name") == "flexibleRollout" and not parameters.get("groupId"):
                parameters["groupId"] = feature_name
            chosen["parameters"] = parameters
            return chosen
        return built_in_default(project.default_stickiness, feature_name)

    def set(self, actor: Actor, project_id: str, env: str, given: StrategyInput) -> dict[str, Any]:
        lookup.project(self.session, project_id)
        link = lookup.project_environment(self.session, project_id, env)
        if self.session.get(StrategyDefinition, given.name) is None:
            raise BadDataError(f"Could not find strategy type with name {given.name}")
        # Segment ids are kept as given, as on a strategy: one naming no segment evaluates false.
        strategy = {
            "name": given.name,
            "title": given.title,
            "disabled": bool(given.disabled),
            "parameters": dict(given.parameters),
            "constraints": normalize_constraints(given.constraints),
            "variants": normalize_variants(given.variants, overrides_allowed=False),
            "segments": list(dict.fromkeys(given.segments)),
        }
        before = link.default_strategy
        link.default_strategy = strategy
        self.session.flush()
        self.events.record(
            actor,
            "default-strategy-updated",
            data=strategy,
            pre_data=before,
            project=project_id,
            environment=env,
        )
        return strategy
