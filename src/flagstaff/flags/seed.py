"""What a fresh installation has: the ``default`` project, two environments, the built-in strategy
definitions and the ``simple`` tag type. The first migration writes the same rows; this keeps
them present (tests truncate tables) and keeps built-in definitions in step with the code."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from flagstaff.flags.environments.models import Environment
from flagstaff.flags.projects.models import DEFAULT_PROJECT, Project, ProjectEnvironment
from flagstaff.flags.strategies.models import StrategyDefinition
from flagstaff.flags.tags.models import TagType


@dataclass(frozen=True)
class DefaultEnvironment:
    name: str
    type: str
    sort_order: int


DEFAULT_ENVIRONMENTS = (
    DefaultEnvironment("development", "development", 100),
    DefaultEnvironment("production", "production", 200),
)


def _param(name: str, type_: str, description: str, *, required: bool) -> dict[str, Any]:
    return {"name": name, "type": type_, "description": description, "required": required}


_PERCENTAGE = _param("percentage", "percentage", "", required=False)
_GROUP_ID = _param(
    "groupId",
    "string",
    "Used to define an activation group, which correlates rollouts across flags.",
    required=True,
)


@dataclass(frozen=True)
class BuiltInStrategy:
    name: str
    display_name: str
    description: str
    parameters: tuple[dict[str, Any], ...]
    deprecated: bool
    sort_order: int


BUILT_IN_STRATEGIES = (
    BuiltInStrategy(
        "default",
        "Standard",
        'This strategy turns on / off for your entire userbase. Prefer using "Gradual rollout" '
        "strategy (100%=on, 0%=off).",
        (),
        False,
        0,
    ),
    BuiltInStrategy(
        "flexibleRollout",
        "Gradual rollout",
        "Roll out to a percentage of your userbase, and ensure that the experience is the same "
        "for the user on each visit.",
        (
            _param("rollout", "percentage", "", required=False),
            _param(
                "stickiness",
                "string",
                "Used define stickiness. Possible values: default, userId, sessionId, random",
                required=True,
            ),
            _GROUP_ID,
        ),
        False,
        1,
    ),
    BuiltInStrategy(
        "userWithId",
        "UserIDs",
        "Enable the feature for a specific set of userIds.",
        (_param("userIds", "list", "", required=False),),
        True,
        2,
    ),
    BuiltInStrategy(
        "remoteAddress",
        "IPs",
        "Enable the feature for a specific set of IP addresses.",
        (_param("IPs", "list", "List of IPs to enable the feature toggle for.", required=True),),
        False,
        3,
    ),
    BuiltInStrategy(
        "applicationHostname",
        "Hosts",
        "Enable the feature for a specific set of hostnames.",
        (
            _param(
                "hostNames",
                "list",
                "List of hostnames to enable the feature toggle for.",
                required=False,
            ),
        ),
        False,
        4,
    ),
    BuiltInStrategy(
        "gradualRolloutUserId",
        "Gradual rollout (user id)",
        "Gradually activate the feature for logged-in users. Stickiness is based on the user id.",
        (_PERCENTAGE, _GROUP_ID),
        True,
        5,
    ),
    BuiltInStrategy(
        "gradualRolloutSessionId",
        "Gradual rollout (session id)",
        "Gradually activate the feature for a percentage of sessions. Stickiness is based on the "
        "session id.",
        (_PERCENTAGE, _GROUP_ID),
        True,
        6,
    ),
    BuiltInStrategy(
        "gradualRolloutRandom",
        "Gradual rollout (random)",
        "Randomly activate the feature for a percentage of requests.",
        (_PERCENTAGE,),
        True,
        7,
    ),
)

BUILT_IN_STRATEGY_NAMES = frozenset(s.name for s in BUILT_IN_STRATEGIES)

SIMPLE_TAG_DESCRIPTION = "Used to simplify filtering of features"


def seed_flag_defaults(session: Session) -> None:
    """Create what is missing; never undo a choice an admin made (such as removing an
    environment from the default project)."""
    for env in DEFAULT_ENVIRONMENTS:
        if session.get(Environment, env.name) is None:
            session.add(Environment(name=env.name, type=env.type, sort_order=env.sort_order))
    session.flush()
    if session.get(Project, DEFAULT_PROJECT) is None:
        project = Project(id=DEFAULT_PROJECT, name="Default", description="Default project")
        project.environments = [
            ProjectEnvironment(environment=env.name) for env in DEFAULT_ENVIRONMENTS
        ]
        session.add(project)
    for built_in in BUILT_IN_STRATEGIES:
        definition = session.get(StrategyDefinition, built_in.name)
        if definition is None:
            # Deprecation is an admin's choice: set once, then left alone.
            definition = StrategyDefinition(name=built_in.name, deprecated=built_in.deprecated)
            session.add(definition)
        definition.display_name = built_in.display_name
        definition.description = built_in.description
        definition.parameters = list(built_in.parameters)
        definition.built_in = True
        definition.sort_order = built_in.sort_order
    if session.get(TagType, "simple") is None:
        session.add(TagType(name="simple", description=SIMPLE_TAG_DESCRIPTION))
    session.flush()
