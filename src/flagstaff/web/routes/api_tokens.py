"""API tokens: the SDK (client, frontend) and admin tokens. List without secrets, create with
the show-once dialog, delete."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path
from starlette.responses import Response

from flagstaff.core.db import utcnow
from flagstaff.core.errors import FlagstaffError, NotFoundError
from flagstaff.credentials.api_tokens.models import ApiToken
from flagstaff.credentials.api_tokens.routes import NEEDED
from flagstaff.credentials.api_tokens.service import ApiTokenService, IssuedApiToken, NewApiToken
from flagstaff.flags.environments.service import EnvironmentService
from flagstaff.flags.projects.service import ProjectService
from flagstaff.rbac.permissions import Permission
from flagstaff.web.deps import FormDep, Page, PageDep, PageUser, PostUser, WebUser
from flagstaff.web.errors import ForbiddenError
from flagstaff.web.forms import (
    EXPIRY_LABELS,
    FormError,
    FormState,
    expiry_from,
    form_errors,
    form_values,
)
from flagstaff.web.nav import readable_api_token_types
from flagstaff.web.rendering import redirect
from flagstaff.web.routing import WebRoute

router = APIRouter(route_class=WebRoute, include_in_schema=False)

BASE = "/admin/api-tokens"
Selector = Annotated[str, Path(max_length=64)]
TYPE_LABELS = {
    "client": ("Backend", "For server-side SDKs and Unleash Edge: reads /api/client."),
    "frontend": ("Frontend", "For browser and mobile SDKs: reads /api/frontend."),
    "admin": ("Admin", "Full access to the Admin API. Prefer a service account."),
}
# API tokens may have no expiry at all; "never" sends none.
API_EXPIRY_LABELS = (("never", "Never"), *[c for c in EXPIRY_LABELS if c[0] != "never"])


def _permission(action: str, kind: str) -> Permission:
    return Permission.ADMIN if kind == "admin" else NEEDED[action][kind]


def creatable_types(user: WebUser) -> list[str]:
    return [k for k in TYPE_LABELS if user.can(_permission("create", k))]


def _service(page: Page) -> ApiTokenService:
    return ApiTokenService(page.db, page.context.keys, settings=page.context.settings)


def _readable(user: WebUser) -> list[str]:
    kinds = readable_api_token_types(user.principal)
    if not kinds:
        raise ForbiddenError()
    return kinds


def list_page_response(
    page: Page, user: WebUser, *, created: IssuedApiToken | None = None
) -> Response:
    tokens = _service(page).all(_readable(user))
    now = utcnow()
    return page.render(
        "api_tokens/list.html",
        user,
        tokens=tokens,
        now=now,
        type_labels=TYPE_LABELS,
        can_create=bool(creatable_types(user)),
        deletable={t.id for t in tokens if user.can(_permission("delete", t.type))},
        created_secret=created.secret if created else None,
    )


@router.get(BASE)
def list_page(page: PageDep, user: PageUser) -> Response:
    return list_page_response(page, user)


def _new_page(page: Page, user: WebUser, form: FormState, status: int = 200) -> Response:
    kinds = creatable_types(user)
    if not kinds:
        raise ForbiddenError()
    return page.render(
        "api_tokens/new.html",
        user,
        status=status,
        form=form,
        kinds=[(k, *TYPE_LABELS[k]) for k in kinds],
        projects=ProjectService(page.db).all(),
        environments=EnvironmentService(page.db).all(),
        expiry_choices=API_EXPIRY_LABELS,
    )


@router.get(BASE + "/new")
def new_page(page: PageDep, user: PageUser) -> Response:
    form = FormState(values={"type": "client", "expiry": "never", "environment": "development"})
    return _new_page(page, user, form)


@router.post(BASE + "/new")
def create(page: PageDep, user: PostUser, form: FormDep) -> Response:
    values = form_values(form, ("name", "type", "environment", "expiry", "expires_at"))
    projects = [p for p in form.getlist("projects") if isinstance(p, str) and p]
    values["projects"] = ",".join(projects)
    try:
        kind = values["type"]
        if kind not in TYPE_LABELS:
            raise FormError({"type": "Choose what the token is for."})
        if not user.can(_permission("create", kind)):
            raise ForbiddenError()
        if not values["name"]:
            raise FormError({"name": "Give the token a name."})
        expires_at = (
            None
            if values["expiry"] == "never"
            else expiry_from(values["expiry"], values["expires_at"], utcnow())
        )
        issued = _service(page).create(
            user.actor,
            NewApiToken(
                name=values["name"],
                type=kind,
                environment="*" if kind == "admin" else values["environment"],
                projects=["*"] if kind == "admin" or not projects else projects,
                expires_at=expires_at,
            ),
        )
    except (FormError, FlagstaffError) as problem:
        page.db.rollback()
        return _new_page(page, user, FormState(values, form_errors(problem)), status=400)
    return list_page_response(page, user, created=issued)


def _find(page: Page, user: WebUser, selector: str) -> ApiToken:
    token = _service(page).find(selector)
    if token is None or token.selector != selector or token.type not in _readable(user):
        raise NotFoundError("Could not find that API token.")
    return token


@router.get(BASE + "/{selector}/delete")
def delete_page(page: PageDep, selector: Selector, user: PageUser) -> Response:
    token = _find(page, user, selector)
    user.require(_permission("delete", token.type))
    return page.render("api_tokens/delete.html", user, token=token, type_labels=TYPE_LABELS)


@router.post(BASE + "/{selector}/delete")
def delete(page: PageDep, selector: Selector, user: PostUser) -> Response:
    token = _find(page, user, selector)
    user.require(_permission("delete", token.type))
    name = token.name
    _service(page).delete(user.actor, token)
    return redirect(BASE, flash=f'The API token "{name}" was deleted.')
