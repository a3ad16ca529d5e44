"""Searching flags across projects: Unleash's ``/api/admin/search/features``.

One query finds the page of names and the total; a few more read what the page shows of those
flags (environments, strategies, recent metrics, tags, segments, dependencies, creators).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    Subquery,
    and_,
    case,
    func,
    not_,
    or_,
    select,
    true,
)
from sqlalchemy.orm import Session

from flagstaff.accounts.models import Account
from flagstaff.core.db import utcnow
from flagstaff.core.schemas import iso
from flagstaff.flags.environments.models import Environment
from flagstaff.flags.favorites.models import FavoriteFeature
from flagstaff.flags.favorites.service import FavoriteService
from flagstaff.flags.features.lifecycle import (
    RANK,
    current_ranks,
    current_stages,
    stage_json,
)
from flagstaff.flags.features.models import Feature, FeatureDependency, FeatureEnvironment
from flagstaff.flags.features.types import stored_lifetimes
from flagstaff.flags.features.views import environment_rows
from flagstaff.flags.metrics.models import ClientMetric
from flagstaff.flags.projects.models import Project
from flagstaff.flags.projects.views import image_url
from flagstaff.flags.search.query import POTENTIALLY_STALE, Condition, SearchQuery
from flagstaff.flags.segments.models import Segment
from flagstaff.flags.strategies.models import FeatureStrategy, FeatureStrategySegment
from flagstaff.flags.tags.models import FeatureTag

SORTABLE_COLUMNS: dict[str, Any] = {
    "name": Feature.name,
    "type": Feature.type,
    "stale": Feature.stale,
    "project": Feature.project,
}
METRICS_WINDOW = timedelta(hours=1)  # yes/no counts: the last hour, as Unleash's search shows
# Creators that are no account, named as Unleash's users table names them.
SYSTEM_NAMES = {-1337: "Unleash System", -42: "Unleash Admin Token User"}
UNKNOWN_CREATOR = {"id": 0, "name": "unknown", "imageUrl": ""}


class FeatureSearch:
    def __init__(self, session: Session) -> None:
        self.session = session

    def search(self, query: SearchQuery) -> tuple[list[dict[str, Any]], int]:
        """One page of matching flags as Unleash's search shows them, and how many match."""
        states = _state_conditions(stored_lifetimes(self.session), utcnow())
        filtered = _filtered(select(Feature.name), query, states)
        total = self.session.execute(
            select(func.count()).select_from(filtered.subquery())
        ).scalar_one()
        names = list(
            self.session.scalars(_ordered(filtered, query).offset(query.offset).limit(query.limit))
        )
        features = {
            f.name: f for f in self.session.scalars(select(Feature).where(Feature.name.in_(names)))
        }
        page = [features[n] for n in names if n in features]
        favorites = FavoriteService(self.session).features_of(query.account_id, names)
        return _page(self.session, page, favorites), total


def _state_conditions(
    lifetimes: Mapping[str, int | None], now: datetime
) -> dict[str, ColumnElement[bool]]:
    """What each ``state`` value selects. Potentially stale: not stale, and older than its
    type's lifetime (as the project health figures count it)."""
    expired = [
        and_(Feature.type == type_id, Feature.created_at <= now - timedelta(days=days))
        for type_id, days in lifetimes.items()
        if days
    ]
    not_stale = Feature.stale.is_(False)
    return {
        "stale": Feature.stale.is_(True),
        "active": not_stale,
        POTENTIALLY_STALE: and_(not_stale, or_(*expired)) if expired else not_(true()),
    }


def _filtered(
    statement: Select[Any], query: SearchQuery, states: Mapping[str, ColumnElement[bool]]
) -> Select[Any]:
    statement = statement.where(
        Feature.archived_at.is_not(None) if query.archived else Feature.archived_at.is_(None)
    )
    visible = query.visibility.condition()
    if visible is not None:
        statement = statement.where(Feature.project.in_(select(Project.id).where(visible)))
    if query.terms:
        statement = statement.where(_text_match(query.terms))
    for column, condition in ((Feature.project, query.project), (Feature.type, query.type)):
        if condition is not None:
            statement = statement.where(_is(column, condition.operator, condition.values))
    if query.state is not None:
        # Unleash's rules for every mix of values come down to: any of the chosen states (IS),
        # or none of them (IS_NOT).
        chosen = or_(*(states[v] for v in query.state.values))
        is_any = query.state.operator in ("IS", "IS_ANY_OF")
        statement = statement.where(chosen if is_any else not_(chosen))
    dated: tuple[tuple[Any, Condition | None], ...] = (
        (Feature.created_at, query.created_at),
        (Feature.last_seen_at, query.last_seen_at),
    )
    for column, condition in dated:
        if condition is not None:
            statement = statement.where(_date_bound(column, condition))
    if query.lifecycle is not None:
        ranks = [RANK[stage] for stage in query.lifecycle.values]
        current = current_ranks()
        at_stage = select(current.c.feature_name).where(current.c.rank.in_(ranks))
        is_any = query.lifecycle.operator in ("IS", "IS_ANY_OF")
        statement = statement.where(
            Feature.name.in_(at_stage) if is_any else Feature.name.not_in(at_stage)
        )
    if query.created_by is not None:
        ids = [int(v) for v in query.created_by.values]
        statement = statement.where(_is(Feature.created_by_user_id, query.created_by.operator, ids))
    if query.favorite is not None:
        statement = statement.where(_favorite_match(query.favorite, query.account_id))
    if query.tag is not None:
        statement = statement.where(_tag_match(query.tag))
    if query.segment is not None:
        statement = statement.where(_segment_match(query.segment))
    if query.status:
        statement = statement.where(_status_match(query.status))
    return statement


def _favorites(account_id: int | None) -> Select[Any]:
    """The names of the caller's favorite flags; none for an API token."""
    if account_id is None:
        return select(FavoriteFeature.feature_name).where(not_(true()))
    return select(FavoriteFeature.feature_name).where(FavoriteFeature.user_id == account_id)


def _favorite_match(condition: Condition, account_id: int | None) -> ColumnElement[bool]:
    """``IS:true`` only favorites, ``IS:false`` only the others; both values, every flag."""
    wanted = set(condition.values)
    if wanted == {"true"}:
        return Feature.name.in_(_favorites(account_id))
    if wanted == {"false"}:
        return Feature.name.not_in(_favorites(account_id))
    return true()


def _is(column: Any, operator: str, values: Sequence[Any]) -> ColumnElement[bool]:
    if operator in ("IS", "IS_ANY_OF"):
        return column.in_(values) if values else not_(true())
    return column.not_in(values) if values else true()


def _like(term: str) -> str:
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _text_match(terms: Sequence[str]) -> ColumnElement[bool]:
    columns = (Feature.name, func.coalesce(Feature.description, ""))
    return or_(*(c.ilike(_like(t), escape="\\") for c in columns for t in terms))


def _date_bound(column: Any, condition: Condition) -> ColumnElement[bool]:
    day = date.fromisoformat(condition.values[0])
    start = datetime(day.year, day.month, day.day, tzinfo=UTC)
    if condition.operator == "IS_BEFORE":
        return column < start  # type: ignore[no-any-return]
    return column >= start  # type: ignore[no-any-return]


def _tag_match(condition: Condition) -> ColumnElement[bool]:
    pairs = {tuple(part.strip() for part in v.split(":", 1)) for v in condition.values}
    carried = select(FeatureTag.feature_name, FeatureTag.tag_type, FeatureTag.tag_value).where(
        or_(*(and_(FeatureTag.tag_type == t, FeatureTag.tag_value == v) for t, v in pairs))
    )
    return _membership(condition.operator, carried.subquery(), len(pairs))


def _segment_match(condition: Condition) -> ColumnElement[bool]:
    names = set(condition.values)
    used = (
        select(FeatureStrategy.feature_name, Segment.name)
        .join(FeatureStrategySegment, FeatureStrategySegment.strategy_id == FeatureStrategy.id)
        .join(Segment, Segment.id == FeatureStrategySegment.segment_id)
        .where(Segment.name.in_(names))
        .distinct()
    )
    return _membership(condition.operator, used.subquery(), len(names))


def _membership(operator: str, rows: Subquery, wanted: int) -> ColumnElement[bool]:
    """Unleash's INCLUDE family over distinct rows (flag name, one of the wanted items...):
    any of the items, none of them, all of them, or not all of them."""
    name = rows.c[0]
    if operator in ("INCLUDE", "INCLUDE_ANY_OF"):
        return Feature.name.in_(select(name))
    if operator in ("DO_NOT_INCLUDE", "EXCLUDE_IF_ANY_OF"):
        return Feature.name.not_in(select(name))
    all_of = select(name).group_by(name).having(func.count() >= wanted)
    if operator == "INCLUDE_ALL_OF":
        return Feature.name.in_(all_of)
    return Feature.name.not_in(all_of)  # EXCLUDE_ALL


def _status_match(status: Sequence[tuple[str, bool]]) -> ColumnElement[bool]:
    matching = select(FeatureEnvironment.feature_name).where(
        or_(
            *(
                and_(FeatureEnvironment.environment == env, FeatureEnvironment.enabled == on)
                for env, on in status
            )
        )
    )
    return Feature.name.in_(matching)


def _ordered(statement: Select[Any], query: SearchQuery) -> Select[Any]:
    """Unleash's ranking: the chosen key, then oldest first and by name; unknown keys sort by
    creation time, as in Unleash."""

    def directed(expression: Any) -> Any:
        return expression.desc() if query.descending else expression.asc()

    if query.favorites_first:
        # Whatever the chosen order, the caller's favorites come before the rest.
        favorite_rank = case((Feature.name.in_(_favorites(query.account_id)), 0), else_=1)
        statement = statement.order_by(favorite_rank)

    tie_break = (Feature.created_at.asc(), Feature.name.asc())
    if query.sort_by.startswith("environment:"):
        enabled = (
            select(FeatureEnvironment.enabled)
            .where(FeatureEnvironment.feature_name == Feature.name)
            .where(FeatureEnvironment.environment == query.sort_by.removeprefix("environment:"))
            .scalar_subquery()
        )
        return statement.order_by(directed(enabled).nulls_last(), *tie_break)
    if query.sort_by == "lastSeenAt":
        return statement.order_by(directed(Feature.last_seen_at).nulls_last(), *tie_break)
    if query.sort_by in SORTABLE_COLUMNS:
        return statement.order_by(directed(SORTABLE_COLUMNS[query.sort_by]), *tie_break)
    return statement.order_by(directed(Feature.created_at), Feature.name.asc())


# What the page shows of each flag


def _page(
    session: Session, features: list[Feature], favorites: frozenset[str]
) -> list[dict[str, Any]]:
    names = [f.name for f in features]
    if not names:
        return []
    environments = environment_rows(session, names)
    strategies = _strategy_flags(session, names)
    metrics = _recent_metrics(session, names)
    tags = _tags(session, names)
    segments = _segments(session, names)
    dependency = _dependency_types(session, names)
    creators = _creators(session, features)
    stages = current_stages(session, names)
    return [
        {
            "name": f.name,
            "description": f.description,
            "dependencyType": dependency.get(f.name),
            "type": f.type,
            "project": f.project,
            "stale": f.stale,
            "favorite": f.name in favorites,
            "impressionData": f.impression_data,
            "createdAt": iso(f.created_at),
            "archivedAt": iso(f.archived_at),
            "createdBy": creators.get(f.name, UNKNOWN_CREATOR),
            "environments": [
                _environment_json(f.name, fe, env, strategies, metrics)
                for fe, env in environments.get(f.name, [])
            ],
            "segments": segments.get(f.name, []),
            "tags": tags.get(f.name, []),
            # Not nullable in Unleash's schema: left out for a flag with no stage.
            **({"lifecycle": stage_json(stages[f.name])} if f.name in stages else {}),
        }
        for f in features
    ]


def _environment_json(
    name: str,
    fe: FeatureEnvironment,
    env: Environment,
    strategies: dict[tuple[str, str], list[bool]],
    metrics: dict[tuple[str, str], tuple[int, int]],
) -> dict[str, Any]:
    disabled_flags = strategies.get((name, env.name), [])
    yes, no = metrics.get((name, env.name), (0, 0))
    return {
        "name": env.name,
        "enabled": fe.enabled,
        "type": env.type,
        "sortOrder": env.sort_order,
        "variantCount": len(fe.variants),
        "lastSeenAt": iso(fe.last_seen_at),
        "hasStrategies": bool(disabled_flags),
        "hasEnabledStrategies": not all(disabled_flags) if disabled_flags else False,
        "yes": yes,
        "no": no,
        "changeRequestIds": [],
    }


def _strategy_flags(session: Session, names: list[str]) -> dict[tuple[str, str], list[bool]]:
    """Per flag and environment, each strategy's ``disabled``."""
    rows = session.execute(
        select(
            FeatureStrategy.feature_name, FeatureStrategy.environment, FeatureStrategy.disabled
        ).where(FeatureStrategy.feature_name.in_(names))
    )
    grouped: dict[tuple[str, str], list[bool]] = defaultdict(list)
    for name, env, disabled in rows:
        grouped[(name, env)].append(disabled)
    return grouped


def _recent_metrics(session: Session, names: list[str]) -> dict[tuple[str, str], tuple[int, int]]:
    rows = session.execute(
        select(
            ClientMetric.feature_name,
            ClientMetric.environment,
            func.sum(ClientMetric.yes),
            func.sum(ClientMetric.no),
        )
        .where(ClientMetric.feature_name.in_(names))
        .where(ClientMetric.timestamp >= utcnow() - METRICS_WINDOW)
        .group_by(ClientMetric.feature_name, ClientMetric.environment)
    )
    return {(name, env): (int(yes or 0), int(no or 0)) for name, env, yes, no in rows}


def _tags(session: Session, names: list[str]) -> dict[str, list[dict[str, str]]]:
    rows = session.execute(
        select(FeatureTag.feature_name, FeatureTag.tag_type, FeatureTag.tag_value)
        .where(FeatureTag.feature_name.in_(names))
        .order_by(FeatureTag.tag_type, FeatureTag.tag_value)
    )
    grouped: dict[str, list[dict[str, str]]] = defaultdict(list)
    for name, tag_type, value in rows:
        grouped[name].append({"type": tag_type, "value": value})
    return grouped


def _segments(session: Session, names: list[str]) -> dict[str, list[str]]:
    rows = session.execute(
        select(FeatureStrategy.feature_name, Segment.name)
        .distinct()
        .join(FeatureStrategySegment, FeatureStrategySegment.strategy_id == FeatureStrategy.id)
        .join(Segment, Segment.id == FeatureStrategySegment.segment_id)
        .where(FeatureStrategy.feature_name.in_(names))
        .order_by(FeatureStrategy.feature_name, Segment.name)
    )
    grouped: dict[str, list[str]] = defaultdict(list)
    for name, segment in rows:
        grouped[name].append(segment)
    return grouped


def _dependency_types(session: Session, names: list[str]) -> dict[str, str]:
    """``child`` for a flag that depends on another, else ``parent`` for one depended on."""
    kinds: dict[str, str] = {}
    for (parent,) in session.execute(
        select(FeatureDependency.parent).where(FeatureDependency.parent.in_(names))
    ):
        kinds[parent] = "parent"
    for (child,) in session.execute(
        select(FeatureDependency.child).where(FeatureDependency.child.in_(names))
    ):
        kinds[child] = "child"
    return kinds


def _creators(session: Session, features: list[Feature]) -> dict[str, dict[str, Any]]:
    ids = {f.created_by_user_id for f in features if f.created_by_user_id is not None}
    accounts = {a.id: a for a in session.scalars(select(Account).where(Account.id.in_(ids)))}
    creators: dict[str, dict[str, Any]] = {}
    for f in features:
        user_id = f.created_by_user_id
        if user_id is None:
            continue
        account = accounts.get(user_id)
        if account is not None:
            name = account.name or account.username or account.email or ""
            creators[f.name] = {"id": user_id, "name": name, "imageUrl": image_url(account)}
        else:
            name = SYSTEM_NAMES.get(user_id, "unknown")
            creators[f.name] = {"id": user_id, "name": name, "imageUrl": ""}
    return creators
