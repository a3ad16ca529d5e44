"""Flags as the Admin API shows them: Unleash's featureSchema and friends, read in few queries."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from flagstaff.accounts.models import Account
from flagstaff.core.schemas import iso
from flagstaff.flags.environments.models import Environment
from flagstaff.flags.favorites.models import FavoriteFeature
from flagstaff.flags.features.dependencies import dependency_json
from flagstaff.flags.features.lifecycle import current_stage, stage_json, stages_of
from flagstaff.flags.features.links import link_json, links_of
from flagstaff.flags.features.models import Feature, FeatureDependency, FeatureEnvironment
from flagstaff.flags.features.service import feature_data
from flagstaff.flags.projects.views import image_url
from flagstaff.flags.strategies.models import FeatureStrategy
from flagstaff.flags.strategies.service import strategy_json


def feature_created_json(feature: Feature) -> dict[str, Any]:
    return feature_data(feature)


def environment_rows(
    session: Session, names: Sequence[str]
) -> dict[str, list[tuple[FeatureEnvironment, Environment]]]:
    """Each flag's environment rows with their environment, in the environments' order."""
    rows = session.execute(
        select(FeatureEnvironment, Environment)
        .join(Environment, Environment.name == FeatureEnvironment.environment)
        .where(FeatureEnvironment.feature_name.in_(names))
        .order_by(Environment.sort_order, Environment.name)
    )
    grouped: dict[str, list[tuple[FeatureEnvironment, Environment]]] = defaultdict(list)
    for feature_env, env in rows:
        grouped[feature_env.feature_name].append((feature_env, env))
    return grouped


def _strategies(session: Session, names: Sequence[str]) -> dict[tuple[str, str], list[Any]]:
    rows = session.scalars(
        select(FeatureStrategy)
        .where(FeatureStrategy.feature_name.in_(names))
        .order_by(FeatureStrategy.sort_order, FeatureStrategy.created_at)
    )
    grouped: dict[tuple[str, str], list[Any]] = defaultdict(list)
    for strategy in rows:
        grouped[(strategy.feature_name, strategy.environment)].append(strategy)
    return grouped


def feature_json(
    session: Session, feature: Feature, account_id: int | None = None
) -> dict[str, Any]:
    """``GET …/features/{featureName}``: the flag with every environment and strategy, its
    links, its current lifecycle stage, and whether the caller's account (``account_id``; an
    API token has none) marked it a favorite."""
    strategies = _strategies(session, [feature.name])
    environments = []
    for feature_env, env in environment_rows(session, [feature.name]).get(feature.name, []):
        env_strategies = strategies.get((feature.name, env.name), [])
        environments.append(
            {
                "name": env.name,
                "featureName": feature.name,
                "environment": env.name,
                "type": env.type,
                "sortOrder": env.sort_order,
                "enabled": feature_env.enabled,
                "lastSeenAt": iso(feature_env.last_seen_at),
                "variants": feature_env.variants,
                "strategies": [strategy_json(s) for s in env_strategies],
                "yes": 0,
                "no": 0,
            }
        )
    parents = session.scalars(
        select(FeatureDependency)
        .where(FeatureDependency.child == feature.name)
        .order_by(FeatureDependency.parent)
    )
    children = session.scalars(
        select(FeatureDependency.child)
        .where(FeatureDependency.parent == feature.name)
        .order_by(FeatureDependency.child)
    )
    body = {
        **feature_data(feature),
        "createdBy": _created_by(session, feature),
        "archivedAt": iso(feature.archived_at),
        # No flag-wide lastSeenAt: Unleash 8.2 has it per environment only (below).
        "environments": environments,
        "dependencies": [dependency_json(d) for d in parents],
        "children": list(children),
        "links": [link_json(link) for link in links_of(session, [feature.name])[feature.name]],
        "favorite": account_id is not None
        and session.get(FavoriteFeature, (feature.name, account_id)) is not None,
    }
    stage = current_stage(stages_of(session, feature.name))
    if stage is not None:  # every flag has one; Unleash leaves the key out otherwise
        body["lifecycle"] = stage_json(stage)
    return body


def feature_list_json(session: Session, features: Sequence[Feature]) -> list[dict[str, Any]]:
    """``GET …/features``: each flag with a summary per environment."""
    names = [f.name for f in features]
    environments = environment_rows(session, names)
    strategies = _strategies(session, names)
    items = []
    for feature in features:
        summaries = []
        for feature_env, env in environments.get(feature.name, []):
            env_strategies = strategies.get((feature.name, env.name), [])
            summaries.append(
                {
                    "name": env.name,
                    "enabled": feature_env.enabled,
                    "type": env.type,
                    "sortOrder": env.sort_order,
                    "variantCount": len(feature_env.variants),
                    "lastSeenAt": iso(feature_env.last_seen_at),
                    "hasStrategies": bool(env_strategies),
                    "hasEnabledStrategies": any(not s.disabled for s in env_strategies),
                }
            )
        items.append(
            {
                "name": feature.name,
                "type": feature.type,
                "description": feature.description,
                "project": feature.project,
                "favorite": False,
                "stale": feature.stale,
                "impressionData": feature.impression_data,
                "createdAt": iso(feature.created_at),
                "archivedAt": iso(feature.archived_at),
                "environments": summaries,
            }
        )
    return items


def feature_environment_json(
    feature: Feature, feature_env: FeatureEnvironment, strategies: Sequence[FeatureStrategy]
) -> dict[str, Any]:
    return {
        "name": feature.name,
        "featureName": feature.name,
        "environment": feature_env.environment,
        "enabled": feature_env.enabled,
        "variants": feature_env.variants,
        "strategies": [{**strategy_json(s), "featureName": feature.name} for s in strategies],
    }


def _created_by(session: Session, feature: Feature) -> dict[str, Any] | None:
    if feature.created_by_user_id is None:
        return None
    account = session.get(Account, feature.created_by_user_id)
    if account is None:
        # A system actor (-1337), an admin token (-42) or a deleted account.
        return {"id": feature.created_by_user_id, "name": "", "imageUrl": ""}
    return {
        "id": account.id,
        "name": account.name or account.username or account.email or "",
        "imageUrl": image_url(account),
    }
