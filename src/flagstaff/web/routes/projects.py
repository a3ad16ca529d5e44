"""Projects: the list with the form that creates one, and a project's page with its flags."""

from __future__ import annotations

from collections.abc import Mapping

from fastapi import APIRouter
from starlette.responses import Response

from flagstaff.core.errors import BadDataError, FlagstaffError, NameExistsError
from flagstaff.flags.environments.service import EnvironmentService
from flagstaff.flags.features.service import FeatureService
from flagstaff.flags.features.types import FEATURE_TYPES
from flagstaff.flags.projects.schemas import CreateProjectIn
from flagstaff.flags.projects.service import ProjectFields, ProjectService
from flagstaff.rbac.permissions import Permission
from flagstaff.web.deps import FormDep, Page, PageDep, PageUser, PostUser, WebUser
from flagstaff.web.flag_paths import ProjectId, project_url
from flagstaff.web.flag_table import flag_rows
from flagstaff.web.forms import FormError, FormState, OnField, form_errors, form_values, validated
from flagstaff.web.rendering import redirect
from flagstaff.web.routing import WebRoute

router = APIRouter(route_class=WebRoute, include_in_schema=False)

PROJECT_FIELDS = {"id": "id", "name": "name", "description": "description"}
# The service names the field in its message; the form shows it under the id, the one field
# left that it can refuse once the wire model has checked the others.
PROJECT_ID_PROBLEMS: Mapping[type[FlagstaffError], OnField] = {
    NameExistsError: OnField("id", "A project with that id already exists."),
    BadDataError: OnField("id"),
}


def _list_page(page: Page, user: WebUser, form: FormState, status: int = 200) -> Response:
    service = ProjectService(page.db)
    return page.render(
        "projects/list.html",
        user,
        status=status,
        projects=service.all(archived=False),
        stats=service.stats(),
        can_create=user.can(Permission.CREATE_PROJECT),
        form=form,
    )


@router.get("/projects")
def projects(page: PageDep, user: PageUser) -> Response:
    return _list_page(page, user, FormState())


@router.post("/projects")
def create_project(page: PageDep, user: PostUser, form: FormDep) -> Response:
    user.require(Permission.CREATE_PROJECT)
    values = form_values(form, ("name", "id", "description"))
    try:
        # A blank field is left out, so that the wire model says "required" or uses its default.
        body = validated(CreateProjectIn, {k: v for k, v in values.items() if v}, PROJECT_FIELDS)
        project = ProjectService(page.db).create(
            user.actor,
            user.account_id,
            body.id,
            ProjectFields(name=body.name, description=body.description),
            None,
        )
    except (FormError, FlagstaffError) as problem:
        page.db.rollback()  # neither the project nor its owner: nothing half-made
        state = FormState(values, form_errors(problem, PROJECT_ID_PROBLEMS))
        return _list_page(page, user, state, status=400)
    return redirect(project_url(project.id), flash=f"{project.name} was created.")


def project_page(
    page: Page, user: WebUser, project_id: str, form: FormState | None = None, status: int = 200
) -> Response:
    project = ProjectService(page.db).get(project_id)
    features = FeatureService(page.db).all(project_id)
    used = {link.environment for link in project.environments}
    environments = [e.name for e in EnvironmentService(page.db).all() if e.name in used]
    return page.render(
        "projects/show.html",
        user,
        status=status,
        project=project,
        rows=flag_rows(user, page.db, features, environments),
        environments=environments,
        can_create=user.can(Permission.CREATE_FEATURE, project_id),
        can_see_access=user.can(Permission.PROJECT_USER_ACCESS_READ, project_id),
        types=FEATURE_TYPES,
        form=form or FormState(values={"type": "release"}),
    )


@router.get("/projects/{project_id}")
def project(page: PageDep, project_id: ProjectId, user: PageUser) -> Response:
    return project_page(page, user, project_id)
