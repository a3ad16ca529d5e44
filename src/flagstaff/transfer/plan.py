"""What an import would do, and what stands in its way: Unleash's validation of an import.

``plan_import`` reads the document against the database (it changes nothing) and returns an
``ImportPlan``: the document cleaned as Unleash cleans it (flags archived anywhere are left out,
segment ids of the source become the ids of the same-named segments here), the errors that must
stop the import, the warnings, and the permissions each kind of change needs.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from flagstaff.core.errors import FlagstaffError
from flagstaff.flags import lookup
from flagstaff.flags.context.models import ContextField
from flagstaff.flags.features.models import Feature, FeatureEnvironment
from flagstaff.flags.features.service import check_feature_name
from flagstaff.flags.segments.models import Segment
from flagstaff.flags.strategies.models import FeatureStrategy, StrategyDefinition
from flagstaff.flags.tags.models import TagType
from flagstaff.rbac.permissions import Permission
from flagstaff.transfer import messages
from flagstaff.transfer.schemas import (
    ContextFieldIn,
    DependenciesIn,
    ExportDocumentIn,
    FeatureEnvironmentIn,
    FeatureIn,
    FeatureStrategyIn,
    FeatureTagIn,
    TagTypeIn,
)


@dataclass(frozen=True)
class Finding:
    message: str
    affected: list[str]

    def to_json(self) -> dict[str, Any]:
        return {"message": self.message, "affectedItems": self.affected}


@dataclass
class ImportPlan:
    project: str
    environment: str
    features: list[FeatureIn]
    strategies: list[FeatureStrategyIn]
    feature_environments: list[FeatureEnvironmentIn]
    feature_tags: list[FeatureTagIn]
    dependencies: list[DependenciesIn]
    new_tag_types: list[TagTypeIn]
    new_context_fields: list[ContextFieldIn]
    document: ExportDocumentIn
    # Flags of the document that exist, active, in the target project.
    existing: set[str]
    # Source segment id -> the id of the segment of that name here.
    segment_ids: dict[int, int]
    errors: list[Finding] = field(default_factory=list)
    warnings: list[Finding] = field(default_factory=list)
    needed: list[Permission] = field(default_factory=list)

    @property
    def names(self) -> list[str]:
        return [f.name for f in self.features]


def plan_import(
    session: Session, project_id: str, environment: str, document: ExportDocumentIn
) -> ImportPlan:
    lookup.project(session, project_id)
    lookup.environment(session, environment)
    wanted = [f.name for f in document.features]
    known = {
        f.name: f for f in session.scalars(select(Feature).where(Feature.name.in_(set(wanted))))
    }
    archived = sorted(n for n, f in known.items() if f.archived)
    kept = set(wanted) - set(archived)
    tags = [t for t in document.feature_tags if t.feature_name in kept]
    tag_types_used = {t.tag_type for t in tags}
    plan = ImportPlan(
        project=project_id,
        environment=environment,
        features=[f for f in document.features if f.name in kept],
        strategies=[s for s in document.feature_strategies if s.feature_name not in archived],
        feature_environments=[e for e in document.feature_environments if e.flag not in archived],
        feature_tags=tags,
        dependencies=[d for d in document.dependencies if d.feature not in archived],
        new_tag_types=_new_tag_types(session, document.tag_types, tag_types_used),
        new_context_fields=_new_context_fields(session, document.context_fields),
        document=document,
        existing={
            n for n, f in known.items() if f.project == project_id and not f.archived and n in kept
        },
        segment_ids=_segment_ids(session, project_id, document),
    )
    _errors(session, plan, known)
    _warnings(session, plan, archived)
    plan.needed = _permissions(session, plan)
    return plan


def _errors(session: Session, plan: ImportPlan, known: dict[str, Feature]) -> None:
    def add(message: str, affected: Iterable[str]) -> None:
        listed = list(dict.fromkeys(affected))
        if listed:
            plan.errors.append(Finding(message, listed))

    definitions = set(session.scalars(select(StrategyDefinition.name)))
    add(messages.STRATEGIES, (s.name for s in plan.strategies if s.name not in definitions))
    add(messages.CONTEXT_FIELDS, _unsupported_fields(session, plan))
    add(
        messages.other_project(plan.project),
        (
            f"{f.name} (in project {known[f.name].project})"
            for f in plan.features
            if f.name in known and known[f.name].project != plan.project
        ),
    )
    counts = Counter(plan.names)
    add(messages.DUPLICATES, (n for n in plan.names if counts[n] > 1))
    add(messages.INVALID_NAMES, (n for n in plan.names if n not in known and not _valid_name(n)))
    limit = _limit_exceeded(session, plan)
    if limit is not None:
        plan.errors.append(Finding(limit, []))
    add(messages.SEGMENTS, _missing_segments(plan))
    add(messages.DEPENDENCIES, _missing_parents(session, plan))
    add(messages.ENVIRONMENT_NOT_ENABLED, _environment_gap(session, plan))
    add(messages.UNKNOWN_FLAG_ITEMS, _items_without_flag(plan))
    add(messages.UNKNOWN_TAG_TYPES, _unknown_tag_types(session, plan))


def _warnings(session: Session, plan: ImportPlan, archived: list[str]) -> None:
    custom = set(
        session.scalars(
            select(StrategyDefinition.name).where(StrategyDefinition.built_in.is_(False))
        )
    )
    used = list(dict.fromkeys(s.name for s in plan.strategies if s.name in custom))
    for message, affected in (
        (messages.CUSTOM_STRATEGIES, used),
        (messages.ARCHIVED, archived),
        (messages.EXISTING, sorted(plan.existing)),
        (messages.LINKS, [str(link.get("feature", "?")) for link in plan.document.links]),
    ):
        if affected:
            plan.warnings.append(Finding(message, affected))


def _permissions(session: Session, plan: ImportPlan) -> list[Permission]:
    """Unleash's list (UPDATE_FEATURE always; creating flags, tag types, context fields and
    strategies; deleting strategies; environment variants), plus what Unleash forgets to ask
    for: switching a flag on or off, and dependencies."""
    needed = [Permission.UPDATE_FEATURE]
    if len(plan.existing) < len(set(plan.names)):
        needed.append(Permission.CREATE_FEATURE)
    if plan.new_tag_types:
        needed.append(Permission.CREATE_TAG_TYPE)
    if plan.new_context_fields:
        needed.append(Permission.CREATE_CONTEXT_FIELD)
    if plan.existing and _has_strategies(session, plan):
        needed.append(Permission.DELETE_FEATURE_STRATEGY)
    if plan.strategies:
        needed.append(Permission.CREATE_FEATURE_STRATEGY)
    current = {
        e.feature_name: e
        for e in session.scalars(
            select(FeatureEnvironment)
            .where(FeatureEnvironment.feature_name.in_(plan.existing))
            .where(FeatureEnvironment.environment == plan.environment)
        )
    }
    variants_change = enabled_change = False
    for given in plan.feature_environments:
        now = current.get(given.flag)
        variants = [v.model_dump(by_alias=True, exclude_none=True) for v in given.variants]
        variants_change |= variants != (now.variants if now else [])
        enabled_change |= given.enabled != (now.enabled if now else False)
    if variants_change:
        needed.append(Permission.UPDATE_FEATURE_ENVIRONMENT_VARIANTS)
    if enabled_change:
        needed.append(Permission.UPDATE_FEATURE_ENVIRONMENT)
    if plan.dependencies:
        needed.append(Permission.UPDATE_FEATURE_DEPENDENCY)
    return needed


def _new_tag_types(
    session: Session, tag_types: list[TagTypeIn], used: set[str | None]
) -> list[TagTypeIn]:
    existing = set(session.scalars(select(TagType.name)))
    new: dict[str, TagTypeIn] = {}
    for tag_type in tag_types:
        if tag_type.name in used and tag_type.name not in existing:
            new.setdefault(tag_type.name, tag_type)
    return list(new.values())


def _new_context_fields(session: Session, fields: list[ContextFieldIn]) -> list[ContextFieldIn]:
    existing = set(session.scalars(select(ContextField.name)))
    new: dict[str, ContextFieldIn] = {}
    for given in fields:
        if given.name not in existing:
            new.setdefault(given.name, given)
    return list(new.values())


def _unsupported_fields(session: Session, plan: ImportPlan) -> list[str]:
    """Fields that exist here without every legal value imported, or in another project."""
    names = {f.name for f in plan.document.context_fields}
    existing = {
        f.name: f for f in session.scalars(select(ContextField).where(ContextField.name.in_(names)))
    }
    unsupported = []
    for given in plan.document.context_fields:
        here = existing.get(given.name)
        if here is None:
            continue
        values = {v.get("value") for v in here.legal_values}
        lacking = any(v.value not in values for v in given.legal_values)
        if lacking or (here.project is not None and here.project != plan.project):
            unsupported.append(given.name)
    return unsupported


def _segment_ids(session: Session, project_id: str, document: ExportDocumentIn) -> dict[int, int]:
    """Segments match by name: a global one, or one of the target project."""
    names = {s.name for s in document.segments}
    here = {
        s.name: s.id
        for s in session.scalars(select(Segment).where(Segment.name.in_(names)))
        if s.project in (None, project_id)
    }
    return {s.id: here[s.name] for s in document.segments if s.name in here}


def _missing_segments(plan: ImportPlan) -> list[str]:
    listed = {s.id: s.name for s in plan.document.segments}
    missing = [s.name for s in plan.document.segments if s.id not in plan.segment_ids]
    for strategy in plan.strategies:
        for segment_id in strategy.segments:
            if segment_id not in listed:
                missing.append(f"segment id {segment_id} (not in the import's segments)")
    return missing


def _missing_parents(session: Session, plan: ImportPlan) -> list[str]:
    """Parents must be imported too, or be active flags of the target project (a dependency
    stays within a project)."""
    imported = set(plan.names)
    parents = {p.feature for d in plan.dependencies for p in d.dependencies}
    outside = parents - imported
    present = set(
        session.scalars(
            select(Feature.name)
            .where(Feature.name.in_(outside))
            .where(Feature.project == plan.project)
            .where(Feature.archived_at.is_(None))
        )
    )
    return sorted(outside - present)


def _environment_gap(session: Session, plan: ImportPlan) -> list[str]:
    try:
        lookup.project_environment(session, plan.project, plan.environment)
    except FlagstaffError:
        return [plan.environment]
    return []


def _items_without_flag(plan: ImportPlan) -> list[str]:
    """Strategies, states, tags and dependencies must belong to a flag of the import."""
    names = set(plan.names)
    listed: list[str] = []
    for strategy in plan.strategies:
        if strategy.feature_name not in names:
            listed.append(f"strategy {strategy.name} of {strategy.feature_name or '(no flag)'}")
    listed += [f"state of {e.flag}" for e in plan.feature_environments if e.flag not in names]
    listed += [f"tag of {t.feature_name}" for t in plan.feature_tags if t.feature_name not in names]
    listed += [f"dependencies of {d.feature}" for d in plan.dependencies if d.feature not in names]
    return listed


def _unknown_tag_types(session: Session, plan: ImportPlan) -> list[str]:
    known = set(session.scalars(select(TagType.name))) | {t.name for t in plan.new_tag_types}
    return [
        f"{t.tag_type}:{t.tag_value}"
        for t in plan.feature_tags
        if t.tag_type is not None and t.tag_type not in known
    ]


def _limit_exceeded(session: Session, plan: ImportPlan) -> str | None:
    project = lookup.project(session, plan.project)
    if project.feature_limit is None:
        return None
    current = session.execute(
        select(func.count())
        .where(Feature.project == plan.project)
        .where(Feature.archived_at.is_(None))
    ).scalar_one()
    new = len(set(plan.names) - plan.existing)
    if current + new <= project.feature_limit:
        return None
    return messages.limit(new, current, project.feature_limit)


def _has_strategies(session: Session, plan: ImportPlan) -> bool:
    found = session.scalars(
        select(FeatureStrategy.id)
        .where(FeatureStrategy.feature_name.in_(plan.existing))
        .where(FeatureStrategy.environment == plan.environment)
        .limit(1)
    ).first()
    return found is not None


def _valid_name(name: str) -> bool:
    try:
        check_feature_name(name)
    except FlagstaffError:
        return False
    return True
