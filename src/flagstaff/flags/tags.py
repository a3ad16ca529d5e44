"""Tags on flags, and the tag types they use."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from flagstaff.errors import BadDataError, NameExistsError, NotFoundError
from flagstaff.events.service import Actor, EventService
from flagstaff.flags import lookup
from flagstaff.flags.models import FeatureTag, TagType

MIN_TAG, MAX_TAG = 2, 50  # Unleash's tagSchema


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
        _check_text("name", name)
        if self.session.get(TagType, name) is not None:
            raise NameExistsError(f"There already exists a tag-type with the name {name}")
        tag_type = TagType(name=name, description=description, icon=icon)
        self.session.add(tag_type)
        try:
            with self.session.begin_nested():
                self.session.flush()
        except IntegrityError:
            raise NameExistsError(f"There already exists a tag-type with the name {name}") from None
        self.events.record(actor, "tag-type-created", data=tag_type_json(tag_type))
        return tag_type

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


def _check_text(field: str, text: str) -> None:
    if not MIN_TAG <= len(text) <= MAX_TAG:
        raise BadDataError(f"A tag {field} is {MIN_TAG} to {MAX_TAG} characters long")
