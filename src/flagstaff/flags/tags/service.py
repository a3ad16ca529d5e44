"""Tags on flags, and the tag types they use."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from flagstaff.core.errors import BadDataError, NameExistsError, NotFoundError
from flagstaff.events.service import Actor, EventService
from flagstaff.flags import lookup
from flagstaff.flags.tags.models import FeatureTag, TagType
from flagstaff.flags.tags.models import Tag as TagRow

MIN_TAG, MAX_TAG = 2, 50  # Unleash's tagSchema
# Unleash's isUrlFriendly: what encodeURIComponent leaves alone.
URL_FRIENDLY = re.compile(r"^[A-Za-z0-9\-_.!~*'()]+$")


@dataclass(frozen=True)
class Tag:
    type: str
    value: str

    def to_json(self) -> dict[str, str]:
        return {"type": self.type, "value": self.value}


def tag_type_json(tag_type: TagType) -> dict[str, object]:
    return {"name": tag_type.name, "description": tag_type.description, "icon": tag_type.icon}


class TagService:
    def __init__(self, session: Session) -> None:
        self.session = session
        self.events = EventService(session)

    def tags_of(self, feature_name: str) -> list[Tag]:
        lookup.any_feature(self.session, feature_name)
        rows = self.session.scalars(
            select(FeatureTag)
            .where(FeatureTag.feature_name == feature_name)
            .order_by(FeatureTag.tag_type, FeatureTag.tag_value)
        )
        return [Tag(row.tag_type, row.tag_value) for row in rows]

    def add(self, actor: Actor, feature_name: str, tag: Tag) -> Tag:
        feature = lookup.any_feature(self.session, feature_name)
        self._check(tag)
        self._record_if_new(actor, tag)
        if self.session.get(FeatureTag, (feature_name, tag.type, tag.value)) is None:
            self.session.add(
                FeatureTag(
                    feature_name=feature_name,
                    tag_type=tag.type,
                    tag_value=tag.value,
                    created_by_user_id=actor.user_id,
                )
            )
            self.session.flush()
            self.events.record(
                actor,
                "feature-tagged",
                data=tag.to_json(),
                project=feature.project,
                feature_name=feature_name,
                tags=[tag.to_json()],
            )
        return tag

    def remove(self, actor: Actor, feature_name: str, tag: Tag) -> None:
        feature = lookup.any_feature(self.session, feature_name)
        removed = lookup.affected_rows(
            self.session.execute(
                delete(FeatureTag)
                .where(FeatureTag.feature_name == feature_name)
                .where(FeatureTag.tag_type == tag.type)
                .where(FeatureTag.tag_value == tag.value)
            )
        )
        if removed:
            self.events.record(
                actor,
                "feature-untagged",
                pre_data=tag.to_json(),
                project=feature.project,
                feature_name=feature_name,
                tags=[tag.to_json()],
            )

    def update(self, actor: Actor, feature_name: str, added: list[Tag], removed: list[Tag]) -> None:
        for tag in added:
            self._check(tag)
        for tag in removed:
            self.remove(actor, feature_name, tag)
        for tag in added:
            self.add(actor, feature_name, tag)

    def update_many(
        self,
        actor: Actor,
        project_id: str,
        feature_names: list[str],
        added: list[Tag],
        removed: list[Tag],
    ) -> None:
        """The same change on every named flag of the project, checked in full before any of
        it is made (and the caller's transaction makes it all or nothing)."""
        lookup.project(self.session, project_id)
        names = list(dict.fromkeys(feature_names))
        for name in names:
            if lookup.any_feature(self.session, name).project != project_id:
                # Unleash's words, and its 400.
                raise BadDataError("Tried to change tags of feature not belonging to project")
        for tag in added:
            self._check(tag)
        for name in names:
            self.update(actor, name, added, removed)

    # Tags, known with or without a flag that carries them

    def tags(self, tag_type: str | None = None) -> list[Tag]:
        query = select(TagRow).order_by(TagRow.created_at, TagRow.tag_type, TagRow.value)
        if tag_type is not None:
            query = query.where(TagRow.tag_type == tag_type)
        return [Tag(row.tag_type, row.value) for row in self.session.scalars(query)]

    def tag(self, tag: Tag) -> Tag:
        if self.session.get(TagRow, (tag.type, tag.value)) is None:
            raise NotFoundError(f"No tag with type: [{tag.type}] and value [{tag.value}]")
        return tag

    def create_tag(self, actor: Actor, tag: Tag) -> Tag:
        tag = Tag(tag.type, tag.value.strip())
        self._check(tag)
        if not self._record_if_new(actor, tag):
            raise NameExistsError(f"A tag of type {tag.type} with value {tag.value} already exists")
        return tag

    def delete_tag(self, actor: Actor, tag: Tag) -> None:
        """The tag goes, and with it every flag's use of it (Unleash's feature_tag rows cascade
        from its tags row)."""
        untagged = lookup.affected_rows(
            self.session.execute(
                delete(FeatureTag)
                .where(FeatureTag.tag_type == tag.type)
                .where(FeatureTag.tag_value == tag.value)
            )
        )
        removed = lookup.affected_rows(
            self.session.execute(
                delete(TagRow).where(TagRow.tag_type == tag.type).where(TagRow.value == tag.value)
            )
        )
        if not (removed or untagged):
            raise NotFoundError(f"No tag with type: [{tag.type}] and value [{tag.value}]")
        self.events.record(actor, "tag-deleted", data=tag.to_json())

    def _record_if_new(self, actor: Actor, tag: Tag) -> bool:
        """Adds the tag to the known tags unless it is there; True when it was new."""
        if self.session.get(TagRow, (tag.type, tag.value)) is not None:
            return False
        try:
            with self.session.begin_nested():
                self.session.add(TagRow(tag_type=tag.type, value=tag.value))
        except IntegrityError:
            return False  # another request added it a moment ago
        self.events.record(actor, "tag-created", data=tag.to_json())
        return True

    # Tag types

    def tag_types(self) -> list[TagType]:
        return list(self.session.scalars(select(TagType).order_by(TagType.name)))

    def tag_type(self, name: str) -> TagType:
        found = self.session.get(TagType, name)
        if found is None:
            raise NotFoundError(f"Could not find tag type with name {name}")
        return found

    def create_tag_type(
        self, actor: Actor, name: str, description: str | None, icon: str | None
    ) -> TagType:
        self.validate_tag_type(name)
        tag_type = TagType(name=name, description=description, icon=icon)
        self.session.add(tag_type)
        try:
            with self.session.begin_nested():
                self.session.flush()
        except IntegrityError:
            raise NameExistsError(f"There already exists a tag-type with the name {name}") from None
        self.events.record(actor, "tag-type-created", data=tag_type_json(tag_type))
        return tag_type

    def update_tag_type(
        self, actor: Actor, name: str, description: str | None, icon: str | None
    ) -> TagType:
        """Changes what is given, keeps what is not (Unleash's update skips absent fields)."""
        if description is None and icon is None:
            raise BadDataError("Give a description or an icon to change")
        tag_type = self.tag_type(name)
        before = tag_type_json(tag_type)
        if description is not None:
            tag_type.description = description
        if icon is not None:
            tag_type.icon = icon
        self.session.flush()
        self.events.record(actor, "tag-type-updated", data=tag_type_json(tag_type), pre_data=before)
        return tag_type

    def validate_tag_type(self, name: str) -> None:
        check_tag_type_name(name)
        if self.session.get(TagType, name) is not None:
            raise NameExistsError(f"There already exists a tag-type with the name {name}")

    def delete_tag_type(self, actor: Actor, name: str) -> None:
        tag_type = self.tag_type(name)
        before = tag_type_json(tag_type)
        self.session.delete(tag_type)
        self.session.flush()
        self.events.record(actor, "tag-type-deleted", pre_data=before)

    def _check(self, tag: Tag) -> None:
        _check_text("type", tag.type)
        _check_text("value", tag.value.strip())
        if self.session.get(TagType, tag.type) is None:
            raise NotFoundError(f"Could not find tag type with name {tag.type}")


def check_tag_type_name(name: str) -> None:
    """Unleash's tag type name: URL-friendly, 2 to 50 characters."""
    _check_text("type", name)
    if not URL_FRIENDLY.match(name):
        raise BadDataError(f'"name" must be URL friendly. You provided "{name}".')


def _check_text(field: str, text: str) -> None:
    if not MIN_TAG <= len(text) <= MAX_TAG:
        raise BadDataError(f"A tag {field} is {MIN_TAG} to {MAX_TAG} characters long")
