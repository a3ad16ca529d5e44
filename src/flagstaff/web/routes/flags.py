"""Flags and projects: the overview, the archive, a project's flags with a switch per
environment, creating a flag, switching it on or off."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from sqlalchemy.orm import Session
from starlette.responses import Response

from flagstaff.deps import SessionDep
from flagstaff.errors import FlagstaffError, NameExistsError
from flagstaff.flags import lookup
from flagstaff.flags.environments import EnvironmentService
from flagstaff.flags.feature_types import FEATURE_TYPES
from flagstaff.flags.features import FeatureFields, FeatureService
from flagstaff.flags.projects import ProjectService
from flagstaff.flags.toggles import ToggleService
from flagstaff.flags.views import feature_list_json
from flagstaff.rbac.permissions import Permission
from flagstaff.web.deps import FormDep, PageUser, PostUser, WebUser, text
from flagstaff.web.flag_paths import flag_url, project_url, safe_return
from flagstaff.web.forms import FormError, FormState
from flagstaff.web.rendering import redirect, render
from flagstaff.web.routing import WebRoute

router = APIRouter(route_class=WebRoute, include_in_schema=False)

ProjectId = Annotated[str, Path(max_length=100)]


def _with_switches(
    user: WebUser, rows: list[dict[str, Any]], environments: list[str]
) -> list[dict[str, Any]]:
    """Each flag's environments in the installation's order, with whether the caller may
    switch it there (``None`` where the flag's project does not use the environment)."""
    for row in rows:
        by_name = {e["name"]: e for e in row["environments"]}
        row["switches"] = [
            {
                "environment": env,
                "enabled": by_name[env]["enabled"],
                "allowed": user.can(Permission.UPDATE_FEATURE_ENVIRONMENT, row["project"], env),
            }
            if env in by_name
            else None
            for env in environments
        ]
        row["url"] = flag_url(row["project"], row["name"])
    return rows


@router.get("/flags")
def overview(request: Request, user: PageUser, db: SessionDep) -> Response:
    features = []
    projects = ProjectService(db).all()
    for project in projects:
        features.extend(FeatureService(db).all(project.id))
    environments = [e.name for e in EnvironmentService(db).all()]
    rows = _with_switches(user, feature_list_json(db, features), environments)
    return render(
        request,
        "flags/overview.html",
        user=user,
        rows=rows,
        environments=environments,
        names={p.id: p.name for p in projects},
        tab="active",
    )


@router.get("/flags/archived")
def archived(request: Request, user: PageUser, db: SessionDep) -> Response:
    features = FeatureService(db).archived()
    rows = [
        {
            "name": f.name,
            "project": f.project,
            "archived_at": f.archived_at,
            "can_revive": user.can(Permission.UPDATE_FEATURE, f.project),
        }
        for f in reversed(features)
    ]
    return render(request, "flags/archived.html", user=user, rows=rows, tab="archived")


@router.post("/flags/revive")
def revive(user: PostUser, form: FormDep, db: SessionDep) -> Response:
    name = text(form, "feature", strip=False)
    feature = lookup.any_feature(db, name)
    user.require(Permission.UPDATE_FEATURE, feature.project)
    FeatureService(db).revive(user.actor, name)
    return redirect(
        flag_url(feature.project, name),
        flash=f"{name} was revived. It is off in every environment.",
    )


@router.get("/projects")
def projects(request: Request, user: PageUser, db: SessionDep) -> Response:
    service = ProjectService(db)
    return render(
        request, "projects/list.html", user=user, projects=service.all(), stats=service.stats()
    )


def project_page(
    request: Request,
    user: WebUser,
    db: Session,
    project_id: str,
    form: FormState | None = None,
    status: int = 200,
) -> Response:
    project = ProjectService(db).get(project_id)
    features = FeatureService(db).all(project_id)
    environments = [e.name for e in EnvironmentService(db).all()]
    used = {link.environment for link in project.environments}
    environments = [e for e in environments if e in used]
    rows = _with_switches(user, feature_list_json(db, features), environments)
    return render(
        request,
        "projects/show.html",
        user=user,
        status=status,
        project=project,
        rows=rows,
        environments=environments,
        can_create=user.can(Permission.CREATE_FEATURE, project_id),
        types=FEATURE_TYPES,
        form=form or FormState(values={"type": "release"}),
    )


@router.get("/projects/{project_id}")
def project(request: Request, project_id: ProjectId, user: PageUser, db: SessionDep) -> Response:
    return project_page(request, user, db, project_id)


@router.post("/projects/{project_id}/flags")
def create_flag(
    request: Request, project_id: ProjectId, user: PostUser, form: FormDep, db: SessionDep
) -> Response:
    user.require(Permission.CREATE_FEATURE, project_id)
    values = {k: text(form, k) for k in ("name", "type", "description")}
    try:
        if not values["name"]:
            raise FormError({"name": "Give the flag a name."})
        FeatureService(db).create(
            user.actor,
            project_id,
            values["name"],
            FeatureFields(description=values["description"] or None, type=values["type"]),
        )
    except (FormError, FlagstaffError) as problem:
        db.rollback()
        if isinstance(problem, FormError):
            errors = problem.errors
        elif isinstance(problem, NameExistsError):
            errors = {"name": "A flag with that name already exists."}
        else:
            errors = {"": str(problem)}
        return project_page(request, user, db, project_id, FormState(values, errors), 400)
    return redirect(flag_url(project_id, values["name"]), flash=f"{values['name']} was created.")


@router.post("/projects/{project_id}/toggle")
def toggle(project_id: ProjectId, user: PostUser, form: FormDep, db: SessionDep) -> Response:
    name = text(form, "feature", strip=False)
    environment = text(form, "environment")
    enabled = text(form, "enabled") == "true"
    user.require(Permission.UPDATE_FEATURE_ENVIRONMENT, project_id, environment)
    ToggleService(db).set_enabled(user.actor, project_id, name, environment, enabled)
    state = "on" if enabled else "off"
    back = safe_return(text(form, "return"), project_url(project_id))
    return redirect(back, flash=f"{name} is {state} in {environment}.")
