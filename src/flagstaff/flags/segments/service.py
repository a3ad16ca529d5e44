"""Segments: named lists of constraints that strategies share."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from flagstaff.core.db import NAME_LENGTH
from flagstaff.core.errors import BadDataError, ConflictError, NameExistsError, NotFoundError
from flagstaff.core.schemas import iso
from flagstaff.events.service import Actor, EventService
from flagstaff.flags import lookup
from flagstaff.flags.constraints.validation import normalize_constraints
from flagstaff.flags.features.models import Feature
from flagstaff.flags.segments.models import Segment
from flagstaff.flags.strategies.models import FeatureStrategy, FeatureStrategySegment
from flagstaff.flags.strategies.service import set_segments, strategy_json


@dataclass(frozen=True)
class SegmentInput:
    name: str
    description: str | None
    project: str | None
    constraints: list[dict[str, Any]]


@dataclass(frozen=True)
class SegmentUsage:
    features: int
    projects: int


def segment_json(segment: Segment) -> dict[str, Any]:
    return {
        "id": segment.id,
        "name": segment.name,
        "description": segment.description,
        "project": segment.project,
        "constraints": segment.constraints,
        "createdBy": segment.created_by,
        "createdAt": iso(segment.created_at),
    }


class SegmentService:
    def __init__(self, session: Session) -> None:
        self.session = session
        self.events = EventService(session)

    def all(self) -> list[Segment]:
        return list(self.session.scalars(select(Segment).order_by(Segment.id)))

    def get(self, segment_id: int) -> Segment:
        segment = self.session.get(Segment, segment_id)
        if segment is None:
            raise NotFoundError(f'No segment exists with ID "{segment_id}"')
        return segment

    def usage(self) -> dict[int, SegmentUsage]:
        rows = self.session.execute(
            select(
                FeatureStrategySegment.segment_id,
                func.count(func.distinct(FeatureStrategy.feature_name)),
                func.count(func.distinct(Feature.project)),
            )
            .join(FeatureStrategy, FeatureStrategy.id == FeatureStrategySegment.strategy_id)
            .join(Feature, Feature.name == FeatureStrategy.feature_name)
            .group_by(FeatureStrategySegment.segment_id)
        ).all()
        return {segment_id: SegmentUsage(f, p) for segment_id, f, p in rows}

    def strategies(self, segment_id: int) -> list[tuple[FeatureStrategy, str]]:
        self.get(segment_id)
        return [
            (strategy, project)
            for strategy, project in self.session.execute(
                select(FeatureStrategy, Feature.project)
                .join(
                    FeatureStrategySegment,
                    FeatureStrategySegment.strategy_id == FeatureStrategy.id,
                )
                .join(Feature, Feature.name == FeatureStrategy.feature_name)
                .where(FeatureStrategySegment.segment_id == segment_id)
                .order_by(FeatureStrategy.feature_name, FeatureStrategy.sort_order)
            )
        ]

    def of_strategy(self, strategy_id: str) -> list[Segment]:
        """The existing segments a strategy names; none for a strategy that does not exist, as
        Unleash answers."""
        return list(
            self.session.scalars(
                select(Segment)
                .join(FeatureStrategySegment, FeatureStrategySegment.segment_id == Segment.id)
                .where(FeatureStrategySegment.strategy_id == strategy_id)
                .order_by(Segment.id)
            )
        )

    def set_for_strategy(
        self,
        actor: Actor,
        project_id: str,
        env: str,
        strategy_id: str,
        segment_ids: list[int],
    ) -> FeatureStrategy:
        """The strategy's segments become exactly these (ids of missing segments included, as
        a strategy's own update accepts them)."""
        lookup.project(self.session, project_id)
        strategy = self.session.get(FeatureStrategy, strategy_id)
        if strategy is None or strategy.environment != env:
            raise NotFoundError(f"Could not find strategy with id: {strategy_id}")
        feature = self.session.get(Feature, strategy.feature_name)
        if feature is None or feature.project != project_id or feature.archived:
            raise NotFoundError(f"Could not find strategy with id: {strategy_id}")
        before = strategy_json(strategy)
        set_segments(strategy, segment_ids)
        self.session.flush()
        # Unleash records nothing here; an event is what moves the revision, and with it the
        # payloads SDKs fetch.
        self.events.record(
            actor,
            "feature-strategy-update",
            data=strategy_json(strategy),
            pre_data=before,
            project=project_id,
            environment=env,
            feature_name=feature.name,
        )
        return strategy

    def validate_name(self, name: str, segment_id: int | None = None) -> None:
        _check_name(name)
        existing = self.session.scalars(select(Segment).where(Segment.name == name)).first()
        if existing is not None and existing.id != segment_id:
            raise NameExistsError("Segment name already exists")

    def create(self, actor: Actor, given: SegmentInput) -> Segment:
        self.validate_name(given.name)
        segment = Segment(created_by=actor.name)
        self._apply(segment, given)
        self.session.add(segment)
        self._flush(given.name)
        self.events.record(
            actor, "segment-created", data=segment_json(segment), project=segment.project
        )
        return segment

    def update(self, actor: Actor, segment_id: int, given: SegmentInput) -> Segment:
        segment = self.get(segment_id)
        self.validate_name(given.name, segment_id)
        before = segment_json(segment)
        self._apply(segment, given)
        self._flush(given.name)
        self.events.record(
            actor,
            "segment-updated",
            data=segment_json(segment),
            pre_data=before,
            project=segment.project,
        )
        return segment

    def delete(self, actor: Actor, segment_id: int) -> None:
        segment = self.get(segment_id)
        in_use = self.session.execute(
            select(func.count()).where(FeatureStrategySegment.segment_id == segment_id)
        ).scalar_one()
        if in_use:
            raise ConflictError(
                f'The segment "{segment.name}" is used by {in_use} strategies; remove it from '
                "them before deleting it"
            )
        before = segment_json(segment)
        self.session.delete(segment)
        self.session.flush()
        self.events.record(actor, "segment-deleted", pre_data=before, project=before["project"])

    def _apply(self, segment: Segment, given: SegmentInput) -> None:
        if given.project is not None:
            lookup.project(self.session, given.project)
        segment.name = given.name
        segment.description = given.description
        segment.project = given.project
        segment.constraints = normalize_constraints(given.constraints)

    def _flush(self, name: str) -> None:
        try:
            with self.session.begin_nested():
                self.session.flush()
        except IntegrityError:
            raise NameExistsError("Segment name already exists") from None


def _check_name(name: str) -> None:
    if not name.strip():
        raise BadDataError("A segment needs a name")
    if len(name) > NAME_LENGTH:
        raise BadDataError(f"A segment name is at most {NAME_LENGTH} characters")
