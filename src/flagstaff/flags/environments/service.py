"""Environments, which exist once for the whole installation."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from flagstaff.events.service import Actor, EventService
from flagstaff.flags import lookup
from flagstaff.flags.environments.models import Environment
from flagstaff.flags.features.models import Feature, FeatureEnvironment
from flagstaff.flags.projects.models import ProjectEnvironment


@dataclass(frozen=True)
class EnvironmentStats:
    project_count: int
    enabled_toggle_count: int


def environment_data(env: Environment) -> dict[str, object]:
    return {
        "name": env.name,
        "type": env.type,
        "sortOrder": env.sort_order,
        "enabled": env.enabled,
        "protected": env.protected,
    }


class EnvironmentService:
    def __init__(self, session: Session) -> None:
        self.session = session
        self.events = EventService(session)

    def all(self) -> list[Environment]:
        return list(
            self.session.scalars(
                select(Environment).order_by(Environment.sort_order, Environment.name)
            )
        )

    def get(self, name: str) -> Environment:
        return lookup.environment(self.session, name)

    def stats(self, project_id: str | None = None) -> dict[str, EnvironmentStats]:
        projects = dict(
            self.session.execute(
                select(ProjectEnvironment.environment, func.count()).group_by(
                    ProjectEnvironment.environment
                )
            ).all()
        )
        enabled_query = (
            select(FeatureEnvironment.environment, func.count())
            .join(Feature, Feature.name == FeatureEnvironment.feature_name)
            .where(FeatureEnvironment.enabled.is_(True))
            .where(Feature.archived_at.is_(None))
        )
        if project_id is not None:
            enabled_query = enabled_query.where(Feature.project == project_id)
        enabled = dict(
            self.session.execute(enabled_query.group_by(FeatureEnvironment.environment)).all()
        )
        return {
            e.name: EnvironmentStats(projects.get(e.name, 0), enabled.get(e.name, 0))
            for e in self.all()
        }

    def project_environment_names(self, project_id: str) -> set[str]:
        lookup.project(self.session, project_id)
        return set(
            self.session.scalars(
                select(ProjectEnvironment.environment).where(
                    ProjectEnvironment.project_id == project_id
                )
            )
        )

    def set_enabled(self, actor: Actor, name: str, enabled: bool) -> None:
        env = self.get(name)
        if env.enabled == enabled:
            return
        before = environment_data(env)
        env.enabled = enabled
        self.session.flush()
        self.events.record(
            actor,
            "environment-updated",
            data=environment_data(env),
            pre_data=before,
            environment=name,
        )

    def set_sort_order(self, actor: Actor, orders: dict[str, int]) -> None:
        envs = [self.get(name) for name in orders]
        for env in envs:
            env.sort_order = orders[env.name]
        self.session.flush()
        self.events.record(actor, "environment-updated", data={"sortOrder": orders})
