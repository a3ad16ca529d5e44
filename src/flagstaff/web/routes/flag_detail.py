"""One flag: its environments with their switches and strategies; archiving it."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from starlette.responses import Response

from flagstaff.deps import SessionDep
from flagstaff.errors import FlagstaffError
from flagstaff.flags.definitions import DefinitionService
from flagstaff.flags.features import FeatureService
from flagstaff.flags.views import feature_json
from flagstaff.rbac.permissions import Permission
from flagstaff.web.deps import FormDep, PageUser, PostUser, WebUser, text
from flagstaff.web.flag_paths import flag_url, project_url
from flagstaff.web.rendering import redirect, render
from flagstaff.web.routing import WebRoute

router = APIRouter(route_class=WebRoute, include_in_schema=False)

ProjectId = Annotated[str, Path(max_length=100)]
FlagParam = Annotated[str, Query(max_length=255)]


def _environments(user: WebUser, project: str, flag: dict[str, Any]) -> list[dict[str, Any]]:
    for env in flag["environments"]:
        name = env["name"]
        env["can_toggle"] = user.can(Permission.UPDATE_FEATURE_ENVIRONMENT, project, name)
        env["can_add"] = user.can(Permission.CREATE_FEATURE_STRATEGY, project, name)
        env["can_edit"] = user.can(Permission.UPDATE_FEATURE_STRATEGY, project, name)
        env["can_delete"] = user.can(Permission.DELETE_FEATURE_STRATEGY, project, name)
    return list(flag["environments"])


@router.get("/projects/{project_id}/features/{name:path}")
def flag_page(
    request: Request, project_id: ProjectId, name: str, user: PageUser, db: SessionDep
) -> Response:
    feature = FeatureService(db).get(project_id, name)
    flag = feature_json(db, feature)
    titles = {d.name: d.display_name or d.name for d in DefinitionService(db).all()}
    return render(
        request,
        "flags/detail.html",
        user=user,
        flag=flag,
        created_at=feature.created_at,
        environments=_environments(user, project_id, flag),
        strategy_titles=titles,
        project_link=project_url(project_id),
        self_url=flag_url(project_id, name),
        can_archive=user.can(Permission.DELETE_FEATURE, project_id),
    )


@router.get("/projects/{project_id}/archive")
def archive_page(
    request: Request, project_id: ProjectId, feature: FlagParam, user: PageUser, db: SessionDep
) -> Response:
    user.require(Permission.DELETE_FEATURE, project_id)
    found = FeatureService(db).get(project_id, feature)
    return render(
        request,
        "flags/archive.html",
        user=user,
        name=found.name,
        project=project_id,
        back=flag_url(project_id, found.name),
        error=None,
    )


@router.post("/projects/{project_id}/archive")
def archive(
    request: Request, project_id: ProjectId, user: PostUser, form: FormDep, db: SessionDep
) -> Response:
    user.require(Permission.DELETE_FEATURE, project_id)
    name = text(form, "feature", strip=False)
    try:
        FeatureService(db).archive(user.actor, project_id, name)
    except FlagstaffError as problem:
        db.rollback()
        return render(
            request,
            "flags/archive.html",
            user=user,
            name=name,
            project=project_id,
            back=flag_url(project_id, name),
            error=problem.message,
            status=400,
        )
    return redirect(project_url(project_id), flash=f"{name} was archived.")
