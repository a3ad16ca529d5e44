"""Flag rows for Client and Frontend API tests, written straight through the models (the flag
Admin API is tested on its own); each change bumps the revision as a real change does."""

from __future__ import annotations

import uuid
from typing import Any

from flagstaff.core import revision
from flagstaff.flags.features.models import Feature, FeatureDependency, FeatureEnvironment
from flagstaff.flags.segments.models import Segment
from flagstaff.flags.strategies.models import FeatureStrategy, FeatureStrategySegment
from flagstaff.http.context import AppContext


def make_flag(
    context: AppContext,
    name: str,
    *,
    project: str = "default",
    enabled_in: tuple[str, ...] = ("development",),
    strategies: list[dict[str, Any]] | None = None,
    variants: list[dict[str, Any]] | None = None,
    impression_data: bool = False,
) -> None:
    """A flag with one row per default environment; ``strategies`` go to development."""
    with context.database.transaction() as session:
        session.add(Feature(name=name, project=project, impression_data=impression_data))
        session.flush()
        for environment in ("development", "production"):
            session.add(
                FeatureEnvironment(
                    feature_name=name,
                    environment=environment,
                    enabled=environment in enabled_in,
                    variants=variants or [],
                )
            )
        session.flush()
        for order, strategy in enumerate(strategies or [{"name": "default"}]):
            strategy_id = str(uuid.uuid4())
            session.add(
                FeatureStrategy(
                    id=strategy_id,
                    feature_name=name,
                    environment="development",
                    strategy_name=strategy["name"],
                    parameters=strategy.get("parameters", {}),
                    constraints=strategy.get("constraints", []),
                    variants=strategy.get("variants", []),
                    sort_order=order,
                    disabled=strategy.get("disabled", False),
                )
            )
            session.flush()
            for segment_id in strategy.get("segments", []):
                session.add(FeatureStrategySegment(strategy_id=strategy_id, segment_id=segment_id))
        revision.bump(session)


def make_segment(context: AppContext, name: str, constraints: list[dict[str, Any]]) -> int:
    with context.database.transaction() as session:
        segment = Segment(name=name, constraints=constraints)
        session.add(segment)
        session.flush()
        revision.bump(session)
        return segment.id


def set_enabled(context: AppContext, name: str, enabled: bool, env: str = "development") -> None:
    with context.database.transaction() as session:
        row = session.get(FeatureEnvironment, (name, env))
        assert row is not None
        row.enabled = enabled
        revision.bump(session)


def make_dependency(context: AppContext, child: str, parent: str, enabled: bool = True) -> None:
    with context.database.transaction() as session:
        session.add(FeatureDependency(child=child, parent=parent, enabled=enabled, variants=[]))
        revision.bump(session)
