"""Tags on flags (``/api/admin/features/{featureName}/tags``) and tag types."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Response

from flagstaff.auth.principal import Principal
from flagstaff.deps import ActorDep, AnyAccountDep, PrincipalDep, SessionDep, require
from flagstaff.flags import lookup
from flagstaff.flags.routes.common import FeatureName, ensure_allowed
from flagstaff.flags.schemas import TagIn, TagTypeIn, UpdateTagsIn
from flagstaff.flags.tags import Tag, TagService, tag_type_json
from flagstaff.rbac.permissions import Permission
from flagstaff.routing import TransactionalRoute

router = APIRouter(route_class=TransactionalRoute, tags=["Tags"])

TAGS = "/api/admin/features/{featureName}/tags"
TagTypeName = Annotated[str, Path(alias="name", max_length=255)]
CreateTagTypeDep = Annotated[Principal, Depends(require(Permission.CREATE_TAG_TYPE))]
DeleteTagTypeDep = Annotated[Principal, Depends(require(Permission.DELETE_TAG_TYPE))]


def _may_tag(db: Any, principal: Principal, feature_name: str) -> None:
    feature = lookup.any_feature(db, feature_name)
    ensure_allowed(principal, Permission.UPDATE_FEATURE, feature.project)


def _tags_body(tags: list[Tag]) -> dict[str, Any]:
    return {"version": 1, "tags": [t.to_json() for t in tags]}


@router.get(TAGS, operation_id="listTags")
def list_tags(feature_name: FeatureName, _: AnyAccountDep, db: SessionDep) -> dict[str, Any]:
    return _tags_body(TagService(db).tags_of(feature_name))


@router.post(TAGS, operation_id="addTag", status_code=201)
def add_tag(
    feature_name: FeatureName,
    body: TagIn,
    actor: ActorDep,
    principal: PrincipalDep,
    db: SessionDep,
) -> dict[str, str]:
    _may_tag(db, principal, feature_name)
    return TagService(db).add(actor, feature_name, Tag(body.type, body.value)).to_json()


@router.put(TAGS, operation_id="updateTags")
def update_tags(
    feature_name: FeatureName,
    body: UpdateTagsIn,
    actor: ActorDep,
    principal: PrincipalDep,
    db: SessionDep,
) -> dict[str, Any]:
    _may_tag(db, principal, feature_name)
    service = TagService(db)
    service.update(
        actor,
        feature_name,
        [Tag(t.type, t.value) for t in body.added_tags],
        [Tag(t.type, t.value) for t in body.removed_tags],
    )
    return _tags_body(service.tags_of(feature_name))


@router.delete(TAGS + "/{type}/{value}", operation_id="removeTag")
def remove_tag(
    feature_name: FeatureName,
    tag_type: Annotated[str, Path(alias="type")],
    tag_value: Annotated[str, Path(alias="value")],
    actor: ActorDep,
    principal: PrincipalDep,
    db: SessionDep,
) -> Response:
    _may_tag(db, principal, feature_name)
    TagService(db).remove(actor, feature_name, Tag(tag_type, tag_value))
    return Response(status_code=200)


@router.get("/api/admin/tag-types", operation_id="getTagTypes")
def get_tag_types(_: AnyAccountDep, db: SessionDep) -> dict[str, Any]:
    return {"version": 1, "tagTypes": [tag_type_json(t) for t in TagService(db).tag_types()]}


@router.post("/api/admin/tag-types", operation_id="createTagType", status_code=201)
def create_tag_type(
    body: TagTypeIn, actor: ActorDep, _: CreateTagTypeDep, db: SessionDep
) -> dict[str, Any]:
    tag_type = TagService(db).create_tag_type(actor, body.name, body.description, body.icon)
    return tag_type_json(tag_type)


@router.get("/api/admin/tag-types/{name}", operation_id="getTagType")
def get_tag_type(name: TagTypeName, _: AnyAccountDep, db: SessionDep) -> dict[str, Any]:
    return {"version": 1, "tagType": tag_type_json(TagService(db).tag_type(name))}


@router.delete("/api/admin/tag-types/{name}", operation_id="deleteTagType")
def delete_tag_type(
    name: TagTypeName, actor: ActorDep, _: DeleteTagTypeDep, db: SessionDep
) -> Response:
    TagService(db).delete_tag_type(actor, name)
    return Response(status_code=200)
