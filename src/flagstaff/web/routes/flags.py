"""Flags: the overview of every project's flags, the archive, creating a flag in a project,
switching it on or off."""

from __future__ import annotations

from collections.abc import Mapping

from fastapi import APIRouter
from starlette.responses import Response

from flagstaff.core.errors import FlagstaffError, NameExistsError
from flagstaff.flags import lookup
from flagstaff.flags.environments.service import EnvironmentService
from flagstaff.flags.features.service import FeatureFields, FeatureService
from flagstaff.flags.projects.service import ProjectService
from flagstaff.flags.toggles.service import ToggleService
from flagstaff.rbac.permissions import Permission
from flagstaff.web.deps import FormDep, PageDep, PageUser, PostUser, text
from flagstaff.web.flag_paths import ProjectId, flag_url, project_url, safe_return
from flagstaff.web.flag_table import flag_rows
from flagstaff.web.forms import FormError, FormState, OnField, form_errors, form_values
from flagstaff.web.rendering import redirect
from flagstaff.web.routes.projects import project_page
from flagstaff.web.routing import WebRoute

router = APIRouter(route_class=WebRoute, include_in_schema=False)

FLAG_NAME_TAKEN: Mapping[type[FlagstaffError], OnField] = {
    NameExistsError: OnField("name", "A flag with that name already exists.")
}


@router.get("/flags")
def overview(page: PageDep, user: PageUser) -> Response:
    features = []
    projects = ProjectService(page.db).all()
    for project in projects:
        features.extend(FeatureService(page.db).all(project.id))
    environments = [e.name for e in EnvironmentService(page.db).all()]
    return page.render(
        "flags/overview.html",
        user,
        rows=flag_rows(user, page.db, features, environments),
        environments=environments,
        names={p.id: p.name for p in projects},
        tab="active",
    )


@router.get("/flags/archived")
def archived(page: PageDep, user: PageUser) -> Response:
    features = FeatureService(page.db).archived()
    rows = [
        {
            "name": f.name,
            "project": f.project,
            "archived_at": f.archived_at,
            "can_revive": user.can(Permission.UPDATE_FEATURE, f.project),
        }
        for f in reversed(features)
    ]
    return page.render("flags/archived.html", user, rows=rows, tab="archived")


@router.post("/flags/revive")
def revive(page: PageDep, user: PostUser, form: FormDep) -> Response:
    name = text(form, "feature", strip=False)
    feature = lookup.any_feature(page.db, name)
    user.require(Permission.UPDATE_FEATURE, feature.project)
    FeatureService(page.db).revive(user.actor, name)
    return redirect(
        flag_url(feature.project, name),
        flash=f"{name} was revived. It is off in every environment.",
    )


@router.post("/projects/{project_id}/flags")
def create_flag(page: PageDep, project_id: ProjectId, user: PostUser, form: FormDep) -> Response:
    user.require(Permission.CREATE_FEATURE, project_id)
    values = form_values(form, ("name", "type", "description"))
    try:
        if not values["name"]:
            raise FormError({"name": "Give the flag a name."})
        FeatureService(page.db).create(
            user.actor,
            project_id,
            values["name"],
            FeatureFields(description=values["description"] or None, type=values["type"]),
        )
    except (FormError, FlagstaffError) as problem:
        page.db.rollback()
        state = FormState(values, form_errors(problem, FLAG_NAME_TAKEN))
        return project_page(page, user, project_id, state, 400)
    return redirect(flag_url(project_id, values["name"]), flash=f"{values['name']} was created.")


@router.post("/projects/{project_id}/toggle")
def toggle(page: PageDep, project_id: ProjectId, user: PostUser, form: FormDep) -> Response:
    name = text(form, "feature", strip=False)
    environment = text(form, "environment")
    enabled = text(form, "enabled") == "true"
    user.require(Permission.UPDATE_FEATURE_ENVIRONMENT, project_id, environment)
    ToggleService(page.db).set_enabled(user.actor, project_id, name, environment, enabled)
    state = "on" if enabled else "off"
    back = safe_return(text(form, "return"), project_url(project_id))
    return redirect(back, flash=f"{name} is {state} in {environment}.")
