"""Tags on flags (``/api/admin/features/{featureName}/tags``) and tag types."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Path, Response
from pydantic import BeforeValidator, Field, StringConstraints

from flagstaff.core.routing import TransactionalRoute
from flagstaff.core.schemas import InputModel, LongText, Name, answers
from flagstaff.flags import lookup
from flagstaff.flags.deps import FeatureName, ProjectId, ensure_allowed
from flagstaff.flags.paths import restore_name
from flagstaff.flags.tags.schemas import (
    TagIn,
    TagOut,
    TagsOut,
    TagTypeIn,
    TagTypeOut,
    TagTypesOut,
    TagTypeValidOut,
    TagTypeWithVersionOut,
    TagWithVersionOut,
    UpdateTagsIn,
)
from flagstaff.flags.tags.service import MAX_TAG, MIN_TAG, Tag, TagService, tag_type_json
from flagstaff.http.deps import ActorDep, AnyAccountDep, PrincipalDep, SessionDep, require
from flagstaff.rbac.permissions import Permission
from flagstaff.rbac.principal import Principal

router = APIRouter(route_class=TransactionalRoute, tags=["Tags"])

TAGS = "/api/admin/features/{featureName}/tags"
# PostgreSQL text cannot hold NUL: such a path is bad input (400), not a database error.
NO_NUL = r"^[^\x00]*$"
TagTypeName = Annotated[str, Path(alias="name", max_length=255, pattern=NO_NUL)]
TagTypePath = Annotated[str, Path(alias="type", max_length=255, pattern=NO_NUL)]
# A value may hold '/', sent as %2F (flagstaff.flags.paths keeps it one segment).
TagValuePath = Annotated[
    str, Path(alias="value", max_length=255, pattern=NO_NUL), BeforeValidator(restore_name)
]
CreateTagTypeDep = Annotated[Principal, Depends(require(Permission.CREATE_TAG_TYPE))]
UpdateTagTypeDep = Annotated[Principal, Depends(require(Permission.UPDATE_TAG_TYPE))]
DeleteTagTypeDep = Annotated[Principal, Depends(require(Permission.DELETE_TAG_TYPE))]
# As Unleash: any account may create a tag; deleting one takes UPDATE_FEATURE with no project,
# which only a root-level holder (Admin) has.
DeleteTagDep = Annotated[Principal, Depends(require(Permission.UPDATE_FEATURE))]
UpdateProjectFeaturesDep = Annotated[
    Principal, Depends(require(Permission.UPDATE_FEATURE, project_param="projectId"))
]
MAX_BULK_FEATURES, MAX_BULK_TAGS = 1_000, 100


class CreateTagIn(InputModel):
    """Unleash's createTagSchema; the value is trimmed before it is checked and stored."""

    type: Annotated[str, StringConstraints(strict=True, min_length=MIN_TAG, max_length=MAX_TAG)]
    value: Annotated[str, StringConstraints(strict=True, max_length=1_000)]


class UpdateTagTypeIn(InputModel):
    description: LongText | None = None
    icon: Name | None = None


class ValidateTagTypeIn(InputModel):
    name: Annotated[str, Field(max_length=255, strict=True)]
    description: LongText | None = None
    icon: Name | None = None


class TagChangesIn(InputModel):
    """Unleash's updateTagsSchema as the bulk route takes it: both lists required."""

    added_tags: Annotated[list[TagIn], Field(max_length=MAX_BULK_TAGS)]
    removed_tags: Annotated[list[TagIn], Field(max_length=MAX_BULK_TAGS)]


class TagsBulkIn(InputModel):
    """Unleash's tagsBulkAddSchema."""

    features: Annotated[
        list[Annotated[str, StringConstraints(strict=True, min_length=1, max_length=255)]],
        Field(max_length=MAX_BULK_FEATURES),
    ]
    tags: TagChangesIn


def _may_tag(db: Any, principal: Principal, feature_name: str) -> None:
    feature = lookup.any_feature(db, feature_name)
    ensure_allowed(principal, Permission.UPDATE_FEATURE, feature.project)


def _tags_body(tags: list[Tag]) -> dict[str, Any]:
    return {"version": 1, "tags": [t.to_json() for t in tags]}


@router.get(TAGS, operation_id="listTags", responses=answers(TagsOut))
def list_tags(feature_name: FeatureName, _: AnyAccountDep, db: SessionDep) -> dict[str, Any]:
    return _tags_body(TagService(db).tags_of(feature_name))


@router.post(TAGS, operation_id="addTag", status_code=201, responses=answers(TagOut, 201))
def add_tag(
    feature_name: FeatureName,
    body: TagIn,
    actor: ActorDep,
    principal: PrincipalDep,
    db: SessionDep,
) -> dict[str, str]:
    _may_tag(db, principal, feature_name)
    return TagService(db).add(actor, feature_name, Tag(body.type, body.value)).to_json()


@router.put(TAGS, operation_id="updateTags", responses=answers(TagsOut))
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
    tag_type: TagTypePath,
    tag_value: TagValuePath,
    actor: ActorDep,
    principal: PrincipalDep,
    db: SessionDep,
) -> Response:
    _may_tag(db, principal, feature_name)
    TagService(db).remove(actor, feature_name, Tag(tag_type, tag_value))
    return Response(status_code=200)


@router.put("/api/admin/projects/{projectId}/tags", operation_id="addTagToFeatures")
def update_project_features_tags(
    project_id: ProjectId,
    body: TagsBulkIn,
    actor: ActorDep,
    _: UpdateProjectFeaturesDep,
    db: SessionDep,
) -> Response:
    """One change of tags on many flags of a project; an event per flag and tag changed."""
    TagService(db).update_many(
        actor,
        project_id,
        body.features,
        [Tag(t.type, t.value) for t in body.tags.added_tags],
        [Tag(t.type, t.value) for t in body.tags.removed_tags],
    )
    return Response(status_code=200)


@router.get("/api/admin/tags", operation_id="getTags", responses=answers(TagsOut))
def get_tags(_: AnyAccountDep, db: SessionDep) -> dict[str, Any]:
    return _tags_body(TagService(db).tags())


@router.post(
    "/api/admin/tags",
    operation_id="createTag",
    status_code=201,
    responses=answers(TagWithVersionOut, 201),
)
def create_tag(
    body: CreateTagIn, response: Response, actor: ActorDep, _: AnyAccountDep, db: SessionDep
) -> dict[str, Any]:
    tag = TagService(db).create_tag(actor, Tag(body.type, body.value))
    # Percent-encoded: a header is Latin-1, and a value may hold any character, even "/".
    response.headers["Location"] = f"tags/{quote(tag.type, safe='')}/{quote(tag.value, safe='')}"
    return {"version": 1, "tag": tag.to_json()}


@router.get("/api/admin/tags/{type}", operation_id="getTagsByType", responses=answers(TagsOut))
def get_tags_by_type(tag_type: TagTypePath, _: AnyAccountDep, db: SessionDep) -> dict[str, Any]:
    """An unknown type has no tags: an empty list, as Unleash."""
    return _tags_body(TagService(db).tags(tag_type))


@router.get(
    "/api/admin/tags/{type}/{value}", operation_id="getTag", responses=answers(TagWithVersionOut)
)
def get_tag(
    tag_type: TagTypePath, tag_value: TagValuePath, _: AnyAccountDep, db: SessionDep
) -> dict[str, Any]:
    return {"version": 1, "tag": TagService(db).tag(Tag(tag_type, tag_value)).to_json()}


@router.delete("/api/admin/tags/{type}/{value}", operation_id="deleteTag")
def delete_tag(
    tag_type: TagTypePath,
    tag_value: TagValuePath,
    actor: ActorDep,
    _: DeleteTagDep,
    db: SessionDep,
) -> Response:
    TagService(db).delete_tag(actor, Tag(tag_type, tag_value))
    return Response(status_code=200)


@router.get("/api/admin/tag-types", operation_id="getTagTypes", responses=answers(TagTypesOut))
def get_tag_types(_: AnyAccountDep, db: SessionDep) -> dict[str, Any]:
    return {"version": 1, "tagTypes": [tag_type_json(t) for t in TagService(db).tag_types()]}


@router.post(
    "/api/admin/tag-types",
    operation_id="createTagType",
    status_code=201,
    responses=answers(TagTypeOut, 201),
)
def create_tag_type(
    body: TagTypeIn, actor: ActorDep, _: CreateTagTypeDep, db: SessionDep
) -> dict[str, Any]:
    tag_type = TagService(db).create_tag_type(actor, body.name, body.description, body.icon)
    return tag_type_json(tag_type)


@router.post(
    "/api/admin/tag-types/validate",
    operation_id="validateTagType",
    responses=answers(TagTypeValidOut),
)
def validate_tag_type(body: ValidateTagTypeIn, _: AnyAccountDep, db: SessionDep) -> dict[str, Any]:
    TagService(db).validate_tag_type(body.name)
    return {"valid": True, "tagType": body.model_dump(by_alias=True, exclude_none=True)}


@router.get(
    "/api/admin/tag-types/{name}",
    operation_id="getTagType",
    responses=answers(TagTypeWithVersionOut),
)
def get_tag_type(name: TagTypeName, _: AnyAccountDep, db: SessionDep) -> dict[str, Any]:
    return {"version": 1, "tagType": tag_type_json(TagService(db).tag_type(name))}


@router.put("/api/admin/tag-types/{name}", operation_id="updateTagType")
def update_tag_type(
    name: TagTypeName,
    body: UpdateTagTypeIn,
    actor: ActorDep,
    _: UpdateTagTypeDep,
    db: SessionDep,
) -> Response:
    TagService(db).update_tag_type(actor, name, body.description, body.icon)
    return Response(status_code=200)


@router.delete("/api/admin/tag-types/{name}", operation_id="deleteTagType")
def delete_tag_type(
    name: TagTypeName, actor: ActorDep, _: DeleteTagTypeDep, db: SessionDep
) -> Response:
    TagService(db).delete_tag_type(actor, name)
    return Response(status_code=200)
