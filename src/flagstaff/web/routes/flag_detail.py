"""One flag: its environments with their switches and strategies; archiving it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any

from fastapi import APIRouter, Query
from starlette.responses import Response

from flagstaff.core.errors import FlagstaffError
from flagstaff.flags.favorites.service import FavoriteService
from flagstaff.flags.features.links import LinkService
from flagstaff.flags.features.service import FeatureService
from flagstaff.flags.features.views import feature_json
from flagstaff.rbac.permissions import Permission
from flagstaff.web.deps import FormDep, Page, PageDep, PageUser, PostUser, WebUser, text
from flagstaff.web.flag_paths import ProjectId, flag_url, project_url
from flagstaff.web.rendering import redirect
from flagstaff.web.routing import WebRoute
from flagstaff.web.strategy_form import strategy_titles

router = APIRouter(route_class=WebRoute, include_in_schema=False)

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
def flag_page(page: PageDep, project_id: ProjectId, name: str, user: PageUser) -> Response:
    return _flag_page(page, user, project_id, name)


def _flag_page(
    page: Page,
    user: WebUser,
    project_id: str,
    name: str,
    *,
    link_error: str | None = None,
    link_values: Mapping[str, str] | None = None,
) -> Response:
    feature = FeatureService(page.db).get(project_id, name)
    flag = feature_json(page.db, feature, user.account_id)
    return page.render(
        "flags/detail.html",
        user,
        flag=flag,
        created_at=feature.created_at,
        environments=_environments(user, project_id, flag),
        strategy_titles=strategy_titles(page.db),
        project_link=project_url(project_id),
        self_url=flag_url(project_id, name),
        can_archive=user.can(Permission.DELETE_FEATURE, project_id),
        can_edit_links=user.can(Permission.UPDATE_FEATURE, project_id),
        link_error=link_error,
        link_values=link_values or {},
        status=400 if link_error else 200,
    )


@router.post("/projects/{project_id}/favorite")
def favorite(page: PageDep, project_id: ProjectId, user: PostUser, form: FormDep) -> Response:
    """The star on a flag's page: any signed-in account marks its own favorites."""
    name = text(form, "feature", strip=False)
    service = FavoriteService(page.db)
    if text(form, "favorite") == "true":
        service.add_feature(user.actor, user.account_id, project_id, name)
        note = f"{name} is now one of your favorites."
    else:
        service.remove_feature(user.actor, user.account_id, project_id, name)
        note = f"{name} is no longer one of your favorites."
    return redirect(flag_url(project_id, name), flash=note)


@router.post("/projects/{project_id}/links")
def add_link(page: PageDep, project_id: ProjectId, user: PostUser, form: FormDep) -> Response:
    user.require(Permission.UPDATE_FEATURE, project_id)
    name = text(form, "feature", strip=False)
    values = {"url": text(form, "url"), "title": text(form, "title")}
    try:
        LinkService(page.db).add(
            user.actor,
            project_id,
            name,
            values["url"],
            values["title"] or None,
            title_given=bool(values["title"]),
        )
    except FlagstaffError as problem:
        page.db.rollback()
        return _flag_page(
            page, user, project_id, name, link_error=problem.message, link_values=values
        )
    return redirect(flag_url(project_id, name), flash="Link added.")


@router.post("/projects/{project_id}/links/remove")
def remove_link(page: PageDep, project_id: ProjectId, user: PostUser, form: FormDep) -> Response:
    user.require(Permission.UPDATE_FEATURE, project_id)
    name = text(form, "feature", strip=False)
    LinkService(page.db).remove(user.actor, project_id, name, text(form, "link"))
    return redirect(flag_url(project_id, name), flash="Link removed.")


def _archive_page(
    page: Page, user: WebUser, project_id: str, name: str, error: str | None, status: int = 200
) -> Response:
    back = flag_url(project_id, name)
    return page.render(
        "flags/archive.html",
        user,
        name=name,
        project=project_id,
        back=back,
        error=error,
        status=status,
    )


@router.get("/projects/{project_id}/archive")
def archive_page(
    page: PageDep, project_id: ProjectId, feature: FlagParam, user: PageUser
) -> Response:
    user.require(Permission.DELETE_FEATURE, project_id)
    found = FeatureService(page.db).get(project_id, feature)
    return _archive_page(page, user, project_id, found.name, None)


@router.post("/projects/{project_id}/archive")
def archive(page: PageDep, project_id: ProjectId, user: PostUser, form: FormDep) -> Response:
    user.require(Permission.DELETE_FEATURE, project_id)
    name = text(form, "feature", strip=False)
    try:
        FeatureService(page.db).archive(user.actor, project_id, name)
    except FlagstaffError as problem:
        page.db.rollback()
        return _archive_page(page, user, project_id, name, problem.message, status=400)
    return redirect(project_url(project_id), flash=f"{name} was archived.")
