"""Finding rows or failing with Unleash's not-found messages; shared by the flag services."""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import CursorResult, Result, select
from sqlalchemy.orm import Session

from flagstaff.core.errors import BadDataError, NotFoundError
from flagstaff.flags.environments.models import Environment
from flagstaff.flags.errors import InvalidOperationError
from flagstaff.flags.features.models import Feature, FeatureEnvironment
from flagstaff.flags.projects.models import Project, ProjectEnvironment
from flagstaff.flags.strategies.models import FeatureStrategy


def project(session: Session, project_id: str) -> Project:
    found = session.get(Project, project_id)
    if found is None:
        raise NotFoundError(f"Active project with id {project_id} does not exist")
    return found


def environment(session: Session, name: str) -> Environment:
    found = session.get(Environment, name)
    if found is None:
        raise NotFoundError(f"Could not find environment with name: {name}")
    return found


def any_feature(session: Session, name: str) -> Feature:
    """A flag by name, archived or not."""
    found = session.get(Feature, name)
    if found is None:
        raise NotFoundError(f"Could not find feature flag with name {name}")
    return found


def feature(session: Session, project_id: str, name: str) -> Feature:
    """An active (unarchived) flag in that project."""
    found = session.get(Feature, name)
    if found is None or found.project != project_id or found.archived:
        raise NotFoundError(f'There\'s no feature named "{name}" in project "{project_id}".')
    return found


def project_environment(session: Session, project_id: str, name: str) -> ProjectEnvironment:
    """The environment as the project uses it; 400 as Unleash when the project does not."""
    found = session.get(ProjectEnvironment, (project_id, name))
    if found is None:
        raise BadDataError("You have not added the current environment to the project")
    return found


def feature_environment(session: Session, feature_name: str, name: str) -> FeatureEnvironment:
    found = session.get(FeatureEnvironment, (feature_name, name))
    if found is None:
        raise NotFoundError(f"Could not find environment {name} for feature: {feature_name}")
    return found


def strategy(session: Session, feature_name: str, env: str, strategy_id: str) -> FeatureStrategy:
    found = session.get(FeatureStrategy, strategy_id)
    if found is None or found.feature_name != feature_name or found.environment != env:
        raise NotFoundError(f"Could not find strategy with id: {strategy_id}")
    return found


def strategies(session: Session, feature_name: str, env: str) -> list[FeatureStrategy]:
    return list(
        session.scalars(
            select(FeatureStrategy)
            .where(FeatureStrategy.feature_name == feature_name)
            .where(FeatureStrategy.environment == env)
            .order_by(FeatureStrategy.sort_order, FeatureStrategy.created_at)
        )
    )


def affected_rows(result: Result[Any]) -> int:
    """Rows a DELETE or UPDATE touched; ``Session.execute`` is typed as returning any result."""
    return int(cast(CursorResult[Any], result).rowcount)


def ensure_in_project(project_id: str, flags: list[Feature]) -> None:
    """A list naming a flag of another project is refused whole, with Unleash's message."""
    elsewhere = sorted({f.project for f in flags if f.project != project_id})
    if elsewhere:
        listed = ", ".join(f'"{p}"' for p in elsewhere)
        raise InvalidOperationError(
            "The operation could not be completed. The features exist, but the provided "
            f"project ids ({listed}) does not match the project provided in request URL "
            f'("{project_id}").'
        )
