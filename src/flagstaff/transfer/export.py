"""Export: a set of flags as one environment sees them, in Unleash's exportResultSchema."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from flagstaff.core.errors import BadDataError
from flagstaff.events.service import Actor, EventService
from flagstaff.flags import lookup
from flagstaff.flags.context.models import ContextField
from flagstaff.flags.context.service import context_field_json
from flagstaff.flags.features.dependencies import dependency_json
from flagstaff.flags.features.models import Feature, FeatureDependency, FeatureEnvironment
from flagstaff.flags.features.service import feature_data
from flagstaff.flags.segments.models import Segment
from flagstaff.flags.strategies.models import FeatureStrategy
from flagstaff.flags.strategies.service import strategy_json
from flagstaff.flags.tags.models import FeatureTag, TagType
from flagstaff.flags.tags.service import tag_type_json


@dataclass(frozen=True)
class ExportQuery:
    environment: str
    features: list[str] | None = None
    tag: str | None = None
    project: str | None = None


def feature_export_json(feature: Feature) -> dict[str, Any]:
    """The event payload without ``createdAt``: an import creates the flag anew."""
    data = feature_data(feature)
    del data["createdAt"]
    return data


class ExportService:
    def __init__(self, session: Session) -> None:
        self.session = session
        self.events = EventService(session)

    def export(self, actor: Actor, query: ExportQuery) -> dict[str, Any]:
        lookup.environment(self.session, query.environment)
        features = self._selected(query)
        names = [f.name for f in features]
        env = query.environment
        strategies = self._strategies(names, env)
        feature_envs = list(
            self.session.scalars(
                select(FeatureEnvironment)
                .where(FeatureEnvironment.feature_name.in_(names))
                .where(FeatureEnvironment.environment == env)
                .order_by(FeatureEnvironment.feature_name)
            )
        )
        tags = list(
            self.session.scalars(
                select(FeatureTag)
                .where(FeatureTag.feature_name.in_(names))
                .order_by(FeatureTag.feature_name, FeatureTag.tag_type, FeatureTag.tag_value)
            )
        )
        result = {
            "features": [feature_export_json(f) for f in features],
            "featureStrategies": [_strategy_export_json(s) for s in strategies],
            "featureEnvironments": [_feature_env_json(e) for e in feature_envs],
            "contextFields": self._context_fields(strategies, feature_envs),
            "featureTags": [
                {"featureName": t.feature_name, "tagType": t.tag_type, "tagValue": t.tag_value}
                for t in tags
            ],
            "segments": self._segments(strategies),
            "tagTypes": self._tag_types({t.tag_type for t in tags}),
            "dependencies": self._dependencies(names),
            "links": [],  # Flagstaff keeps no flag links
        }
        # As Unleash, an export is recorded with what it gave away.
        self.events.record(actor, "features-exported", data={"data": result})
        return result

    def _selected(self, query: ExportQuery) -> list[Feature]:
        """Unleash's precedence: a tag, else the names, else a project, else every flag."""
        statement = select(Feature).order_by(Feature.name)
        if query.tag is not None:
            tag_type, sep, value = query.tag.partition(":")
            if not sep or not tag_type or not value:
                raise BadDataError('`tag` must look like "type:value"')
            statement = statement.join(FeatureTag, FeatureTag.feature_name == Feature.name).where(
                (FeatureTag.tag_type == tag_type) & (FeatureTag.tag_value == value)
            )
        elif query.features:
            statement = statement.where(Feature.name.in_(set(query.features)))
        else:
            statement = statement.where(Feature.archived_at.is_(None))
            if query.project is not None:
                lookup.project(self.session, query.project)
                statement = statement.where(Feature.project == query.project)
        return list(self.session.scalars(statement))

    def _strategies(self, names: list[str], env: str) -> list[FeatureStrategy]:
        return list(
            self.session.scalars(
                select(FeatureStrategy)
                .where(FeatureStrategy.feature_name.in_(names))
                .where(FeatureStrategy.environment == env)
                .order_by(
                    FeatureStrategy.feature_name,
                    FeatureStrategy.sort_order,
                    FeatureStrategy.created_at,
                )
            )
        )

    def _context_fields(
        self, strategies: list[FeatureStrategy], feature_envs: list[FeatureEnvironment]
    ) -> list[dict[str, Any]]:
        """The fields the strategies and variants name: in constraints, as stickiness, in
        variant overrides (Unleash's selection)."""
        used: set[str] = set()
        for strategy in strategies:
            used.add(str(strategy.parameters.get("stickiness", "")))
            used.update(str(c.get("contextName", "")) for c in strategy.constraints)
        for feature_env in feature_envs:
            for variant in feature_env.variants:
                used.add(str(variant.get("stickiness", "")))
                used.update(str(o.get("contextName", "")) for o in variant.get("overrides", []))
        fields = self.session.scalars(
            select(ContextField).where(ContextField.name.in_(used)).order_by(ContextField.name)
        )
        return [_without(context_field_json(f), "createdAt") for f in fields]

    def _segments(self, strategies: list[FeatureStrategy]) -> list[dict[str, Any]]:
        ids = {i for s in strategies for i in s.segment_ids}
        segments = self.session.scalars(
            select(Segment).where(Segment.id.in_(ids)).order_by(Segment.id)
        )
        return [{"id": s.id, "name": s.name} for s in segments]

    def _tag_types(self, used: Iterable[str]) -> list[dict[str, Any]]:
        tag_types = self.session.scalars(
            select(TagType).where(TagType.name.in_(set(used))).order_by(TagType.name)
        )
        return [tag_type_json(t) for t in tag_types]

    def _dependencies(self, names: list[str]) -> list[dict[str, Any]]:
        rows = self.session.scalars(
            select(FeatureDependency)
            .where(FeatureDependency.child.in_(names))
            .order_by(FeatureDependency.child, FeatureDependency.parent)
        )
        grouped: dict[str, list[dict[str, Any]]] = {}
        for row in rows:
            grouped.setdefault(row.child, []).append(dependency_json(row))
        return [{"feature": child, "dependencies": parents} for child, parents in grouped.items()]


def _strategy_export_json(strategy: FeatureStrategy) -> dict[str, Any]:
    body = strategy_json(strategy)
    body["featureName"] = strategy.feature_name
    return body


def _feature_env_json(feature_env: FeatureEnvironment) -> dict[str, Any]:
    return {
        "enabled": feature_env.enabled,
        "featureName": feature_env.feature_name,
        "environment": feature_env.environment,
        "variants": list(feature_env.variants),
        # Unleash's export repeats the flag's name here; its import reads it.
        "name": feature_env.feature_name,
    }


def _without(body: dict[str, Any], *keys: str) -> dict[str, Any]:
    return {k: v for k, v in body.items() if k not in keys}
