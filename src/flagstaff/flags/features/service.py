"""Feature flags: create, read, update, patch, archive, revive, delete."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from flagstaff.core.db import utcnow
from flagstaff.core.errors import BadDataError, NameExistsError
from flagstaff.core.schemas import iso
from flagstaff.events.service import Actor, EventService
from flagstaff.flags import lookup
from flagstaff.flags.errors import InvalidOperationError
from flagstaff.flags.features import lifecycle
from flagstaff.flags.features.dependencies import DependencyService
from flagstaff.flags.features.models import Feature, FeatureEnvironment
from flagstaff.flags.features.schemas import MAX_FEATURE_NAME
from flagstaff.flags.features.types import FEATURE_TYPE_IDS
from flagstaff.flags.jsonpatch import apply_patch
from flagstaff.flags.projects.models import Project, ProjectEnvironment
from flagstaff.flags.projects.service import ensure_active
from flagstaff.flags.tags.models import FeatureTag

# What encodeURIComponent leaves alone besides ASCII letters and digits: Unleash's test.
URL_SAFE = "-_.!~*'()"
PATCHABLE = ("description", "type", "stale", "impressionData")


@dataclass(frozen=True)
class FeatureFields:
    description: str | None = None
    type: str | None = None
    stale: bool | None = None
    impression_data: bool | None = None


def feature_data(feature: Feature) -> dict[str, Any]:
    """The flag as events record it (Unleash's feature-created payload)."""
    return {
        "name": feature.name,
        "description": feature.description,
        "type": feature.type,
        "project": feature.project,
        "stale": feature.stale,
        "createdAt": iso(feature.created_at),
        "impressionData": feature.impression_data,
        "archived": feature.archived,
    }


def check_feature_name(name: str) -> None:
    """Unleash's rule for a new name: URL-friendly, what ``encodeURIComponent`` leaves as it is
    (ASCII letters, digits and ``-_.!~*'()``), and neither ``.`` nor ``..``. A flag Unleash
    would refuse could not move back to it. Flags stored before this rule keep their names."""
    if not name.strip():
        raise BadDataError("A flag name cannot be empty or only spaces")
    if len(name) > MAX_FEATURE_NAME:
        raise BadDataError(
            f'"name" length must be less than or equal to {MAX_FEATURE_NAME} characters long.'
        )
    if quote(name, safe=URL_SAFE) != name or name in (".", ".."):
        raise BadDataError(f'"name" must be URL friendly. You provided "{name}".')


class FeatureService:
    def __init__(self, session: Session) -> None:
        self.session = session
        self.events = EventService(session)

    def all(self, project_id: str) -> list[Feature]:
        lookup.project(self.session, project_id)
        return list(
            self.session.scalars(
                select(Feature)
                .where(Feature.project == project_id)
                .where(Feature.archived_at.is_(None))
                .order_by(Feature.created_at, Feature.name)
            )
        )

    def get(self, project_id: str, name: str) -> Feature:
        lookup.project(self.session, project_id)
        return lookup.feature(self.session, project_id, name)

    def archived(self, project_id: str | None = None) -> list[Feature]:
        query = select(Feature).where(Feature.archived_at.is_not(None))
        if project_id is not None:
            query = query.where(Feature.project == project_id)
        return list(self.session.scalars(query.order_by(Feature.archived_at, Feature.name)))

    def validate_name(self, name: str) -> None:
        check_feature_name(name)
        if self.session.get(Feature, name) is not None:
            raise NameExistsError("A flag with that name already exists")

    def create(
        self,
        actor: Actor,
        project_id: str,
        name: str,
        fields: FeatureFields,
    ) -> Feature:
        project = self._locked_project(project_id)
        ensure_active(self.session, project.id)
        self.validate_name(name)
        if project.feature_limit is not None:
            active = self.session.execute(
                select(func.count())
                .where(Feature.project == project.id)
                .where(Feature.archived_at.is_(None))
            ).scalar_one()
            if active >= project.feature_limit:
                raise BadDataError(
                    "Failed to create feature flag. You can't create more than the established "
                    f"limit of {project.feature_limit}."
                )
        feature_type = fields.type or "release"
        _check_type(feature_type)
        feature = Feature(
            name=name,
            project=project.id,
            description=fields.description,
            type=feature_type,
            stale=bool(fields.stale),
            impression_data=bool(fields.impression_data),
            created_by_user_id=actor.user_id,
        )
        envs = self.session.scalars(
            select(ProjectEnvironment.environment).where(
                ProjectEnvironment.project_id == project.id
            )
        )
        feature.environments = [FeatureEnvironment(environment=e) for e in envs]
        self.session.add(feature)
        try:
            with self.session.begin_nested():
                self.session.flush()
        except IntegrityError:
            # Created by a concurrent request since the check above.
            raise NameExistsError("A flag with that name already exists") from None
        lifecycle.enter(self.session, name, lifecycle.INITIAL, feature.created_at)
        self.events.record(
            actor,
            "feature-created",
            data=feature_data(feature),
            project=project_id,
            feature_name=name,
        )
        return feature

    def _locked_project(self, project_id: str) -> Project:
        """The project, its row locked until commit: flags created at once in one project then
        count one after another, so none passes the feature limit. (FOR NO KEY UPDATE: rows
        that merely reference the project are not held up. SQLite serializes write
        transactions with BEGIN IMMEDIATE instead.)"""
        lookup.project(self.session, project_id)
        return self.session.scalars(
            select(Project)
            .where(Project.id == project_id)
            .with_for_update(key_share=True)
            .execution_options(populate_existing=True)
        ).one()

    def update(
        self, actor: Actor, project_id: str, name: str, fields: FeatureFields, *, replace: bool
    ) -> Feature:
        """PUT (``replace``: an absent description clears it) or the fields of a PATCH."""
        feature = self.get(project_id, name)
        before = feature_data(feature)
        if replace or fields.description is not None:
            feature.description = fields.description
        if fields.type is not None:
            _check_type(fields.type)
            feature.type = fields.type
        if fields.impression_data is not None:
            feature.impression_data = fields.impression_data
        stale_changed = fields.stale is not None and fields.stale != feature.stale
        if fields.stale is not None:
            feature.stale = fields.stale
        self.session.flush()
        self.events.record(
            actor,
            "feature-metadata-updated",
            data=feature_data(feature),
            pre_data=before,
            project=project_id,
            feature_name=name,
        )
        if stale_changed:
            self.events.record(
                actor,
                "feature-stale-on" if feature.stale else "feature-stale-off",
                data={"name": name, "stale": feature.stale},
                project=project_id,
                feature_name=name,
            )
        return feature

    def patch(
        self, actor: Actor, project_id: str, name: str, operations: list[dict[str, Any]]
    ) -> Feature:
        feature = self.get(project_id, name)
        document = {**feature_data(feature)}
        patched = apply_patch(document, operations)
        if not isinstance(patched, dict):
            raise BadDataError("The patched flag must stay an object")
        for key in ("name", "project"):
            if patched.get(key) != document[key]:
                raise BadDataError(f"`{key}` cannot be changed with a patch")
        fields = FeatureFields(
            description=_typed(patched, "description", str, nullable=True),
            type=_typed(patched, "type", str),
            stale=_typed(patched, "stale", bool),
            impression_data=_typed(patched, "impressionData", bool),
        )
        return self.update(actor, project_id, name, fields, replace=True)

    def lock(self, names: list[str]) -> list[Feature]:
        """The named flags that exist, their rows held until commit and re-read: a concurrent
        archive, revive, delete or new dependency of them waits, then sees what this request
        did (PostgreSQL; SQLite serialises writers anyway). Locked in name order, so two
        requests locking overlapping lists cannot deadlock."""
        return list(
            self.session.scalars(
                select(Feature)
                .where(Feature.name.in_(names))
                .order_by(Feature.name)
                .with_for_update()
                .execution_options(populate_existing=True)
            )
        )

    def archive(self, actor: Actor, project_id: str, name: str) -> None:
        lookup.project(self.session, project_id)
        self.lock([name])
        self.archive_together(actor, project_id, [self.get(project_id, name)])

    def archive_together(self, actor: Actor, project_id: str, features: list[Feature]) -> None:
        """Archives these active flags of the project at once. A flag whose active children are
        not archived with it is refused (the whole list, as in Unleash); each archived flag
        drops its own dependencies and records ``feature-archived``."""
        names = [feature.name for feature in features]
        dependencies = DependencyService(self.session)
        if dependencies.parents_left_behind(names):
            raise InvalidOperationError(
                "You can not archive/delete this feature since other features depend on it."
                if len(names) == 1
                else "You can not archive/delete those features since other features depend "
                "on them."
            )
        for feature in features:
            dependencies.drop_for_archived(actor, project_id, feature.name)
            feature.archived_at = utcnow()
            self.session.flush()
            lifecycle.enter(self.session, feature.name, lifecycle.ARCHIVED, feature.archived_at)
            self.events.record(
                actor, "feature-archived", project=project_id, feature_name=feature.name
            )

    def revive(self, actor: Actor, name: str) -> Feature:
        self.lock([name])
        feature = lookup.any_feature(self.session, name)
        if not feature.archived:
            raise BadDataError(f"The flag {name} is not archived")
        ensure_active(self.session, feature.project)
        feature.archived_at = None
        for env in feature.environments:
            env.enabled = False  # a revived flag starts switched off everywhere, as in Unleash
        self.session.flush()
        lifecycle.restart(self.session, name)  # as Unleash: back to initial, history dropped
        self.events.record(actor, "feature-revived", project=feature.project, feature_name=name)
        return feature

    def delete_archived(self, actor: Actor, name: str) -> None:
        locked = self.lock([name])
        if not locked:
            return  # Unleash answers 200 for a flag that is already gone
        feature = locked[0]
        if not feature.archived:
            raise BadDataError(f"Only archived flags can be deleted; archive {name} first")
        before = feature_data(feature)
        project_id = feature.project
        # The tags go with the flag; the event keeps them, as Unleash's does.
        tags = [
            {"value": tag.tag_value, "type": tag.tag_type}
            for tag in self.session.scalars(
                select(FeatureTag)
                .where(FeatureTag.feature_name == name)
                .order_by(FeatureTag.tag_type, FeatureTag.tag_value)
            )
        ]
        self.session.delete(feature)
        self.session.flush()
        self.events.record(
            actor,
            "feature-deleted",
            pre_data=before,
            project=project_id,
            feature_name=name,
            tags=tags,
        )


def _check_type(feature_type: str) -> None:
    if feature_type not in FEATURE_TYPE_IDS:
        allowed = ", ".join(f'"{t}"' for t in FEATURE_TYPE_IDS)
        raise BadDataError(
            f"The `type` property must be equal to one of the allowed values: {allowed}. "
            f'You provided "{feature_type}", which is not valid.'
        )


def _typed(document: dict[str, Any], key: str, kind: type, *, nullable: bool = False) -> Any:
    value = document.get(key)
    if value is None and nullable:
        return None
    if not isinstance(value, kind):
        raise BadDataError(f"`{key}` must be a {kind.__name__}")
    return value
