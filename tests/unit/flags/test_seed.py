"""The flag defaults: present after migrating, restored idempotently, never undoing choices."""

from __future__ import annotations

from sqlalchemy import delete, func, select

from flagstaff.flags.environments.models import Environment
from flagstaff.flags.projects.models import Project, ProjectEnvironment
from flagstaff.flags.seed import BUILT_IN_STRATEGY_NAMES, seed_flag_defaults
from flagstaff.flags.strategies.models import StrategyDefinition
from flagstaff.http.context import AppContext


def test_migration__seeded_defaults(context: AppContext) -> None:
    with context.database.session(write=False) as session:
        assert session.get(Project, "default") is not None
        envs = session.scalars(select(Environment).order_by(Environment.sort_order)).all()
        assert [(e.name, e.type, e.sort_order) for e in envs] == [
            ("development", "development", 100),
            ("production", "production", 200),
        ]
        names = set(session.scalars(select(StrategyDefinition.name)))
        assert names == BUILT_IN_STRATEGY_NAMES


def test_seed__twice__nothing_duplicated(context: AppContext) -> None:
    with context.database.transaction() as session:
        seed_flag_defaults(session)
        seed_flag_defaults(session)
    with context.database.session(write=False) as session:
        count = session.execute(select(func.count()).select_from(StrategyDefinition)).scalar_one()
        assert count == len(BUILT_IN_STRATEGY_NAMES)


def test_seed__removed_project_environment__not_brought_back(context: AppContext) -> None:
    with context.database.transaction() as session:
        session.execute(
            delete(ProjectEnvironment).where(ProjectEnvironment.environment == "production")
        )
    with context.database.transaction() as session:
        seed_flag_defaults(session)
    with context.database.session(write=False) as session:
        envs = session.scalars(select(ProjectEnvironment.environment)).all()
        assert envs == ["development"]


def test_seed__deprecated_built_in__stays_deprecated(context: AppContext) -> None:
    with context.database.transaction() as session:
        definition = session.get(StrategyDefinition, "default")
        assert definition is not None
        definition.deprecated = True
    with context.database.transaction() as session:
        seed_flag_defaults(session)
    with context.database.session(write=False) as session:
        definition = session.get(StrategyDefinition, "default")
        assert definition is not None
        assert definition.deprecated
