"""Webhooks (addons of the ``webhook`` provider): the list, a form to add or change one, the
delivery log, and deleting. The same rules as ``/api/admin/addons``: ``CREATE_ADDON``,
``UPDATE_ADDON`` and ``DELETE_ADDON``; sensitive parameters are shown as ``*****`` and kept
when sent back so; the signing secret is shown once, when the webhook is created."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path
from starlette.datastructures import FormData
from starlette.responses import Response

from flagstaff.addons.providers import (
    AUTHORIZATION,
    BODY_TEMPLATE,
    CONTENT_TYPE,
    CUSTOM_HEADERS,
    EVENT_TYPES,
    MASK,
    URL,
    WEBHOOK,
)
from flagstaff.addons.schemas import AddonIn, delivery_out
from flagstaff.addons.service import AddonService, AddonView
from flagstaff.addons.signing import Secrets
from flagstaff.core.errors import FlagstaffError, NotFoundError
from flagstaff.rbac.permissions import Permission
from flagstaff.web.deps import (
    FormDep,
    Page,
    PageDep,
    PageUser,
    WebUser,
    page_permission,
    post_permission,
)
from flagstaff.web.forms import FormError, FormState, form_errors, form_status, validated
from flagstaff.web.rendering import redirect
from flagstaff.web.routing import WebRoute

router = APIRouter(route_class=WebRoute, include_in_schema=False)

BASE = "/admin/webhooks"
WebhookId = Annotated[int, Path(ge=1, le=2_147_483_647)]
CreatePage = Annotated[WebUser, Depends(page_permission(Permission.CREATE_ADDON))]
CreatePost = Annotated[WebUser, Depends(post_permission(Permission.CREATE_ADDON))]
UpdatePage = Annotated[WebUser, Depends(page_permission(Permission.UPDATE_ADDON))]
UpdatePost = Annotated[WebUser, Depends(post_permission(Permission.UPDATE_ADDON))]
DeletePage = Annotated[WebUser, Depends(page_permission(Permission.DELETE_ADDON))]
DeletePost = Annotated[WebUser, Depends(post_permission(Permission.DELETE_ADDON))]
TEXT_FIELDS = (
    "description",
    "url",
    "content_type",
    "body_template",
    "authorization",
    "custom_headers",
    "projects",
    "environments",
)
# Form field -> the API's parameter.
PARAMETERS = {
    "url": URL,
    "content_type": CONTENT_TYPE,
    "body_template": BODY_TEMPLATE,
    "authorization": AUTHORIZATION,
    "custom_headers": CUSTOM_HEADERS,
}
FIELDS = {"description": "description", "events": "events", "enabled": ""}
LOG_PAGE = 100


def addons(page: Page) -> AddonService:
    return AddonService(page.db, page.context.settings, Secrets(page.context.keys))


def _row(view: AddonView) -> dict[str, Any]:
    return view.out()


@router.get(BASE)
def list_page(page: PageDep, user: PageUser) -> Response:
    return _list(page, user, None, None)


def _list(page: Page, user: WebUser, created: AddonView | None, secret: str | None) -> Response:
    return page.render(
        "webhooks/list.html",
        user,
        webhooks=[_row(v) for v in addons(page).all() if v.addon.provider == WEBHOOK],
        can_create=user.can(Permission.CREATE_ADDON),
        can_update=user.can(Permission.UPDATE_ADDON),
        can_delete=user.can(Permission.DELETE_ADDON),
        created=_row(created) if created else None,
        signing_secret=secret,
    )


def _split(text: str) -> list[str]:
    return [part.strip() for part in text.replace("\n", ",").split(",") if part.strip()]


def _state(form: FormData) -> FormState:
    values = {name: _text(form, name) for name in TEXT_FIELDS}
    values["enabled"] = "yes" if form.get("enabled") == "yes" else ""
    events = [e for e in form.getlist("events") if isinstance(e, str) and e]
    return FormState(values, {}, {"events": list(dict.fromkeys(events))})


def _text(form: FormData, name: str) -> str:
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


def _body(state: FormState) -> AddonIn:
    if not state.value("url"):
        raise FormError({"url": "Give the URL to send events to."})
    parameters = {
        parameter: state.value(name) for name, parameter in PARAMETERS.items() if state.value(name)
    }
    data = {
        "provider": WEBHOOK,
        "description": state.value("description") or None,
        "enabled": state.value("enabled") == "yes",
        "parameters": parameters,
        "events": state.chosen("events"),
        "projects": _split(state.value("projects")),
        "environments": _split(state.value("environments")),
    }
    return validated(AddonIn, data, FIELDS)


def _state_of(view: AddonView) -> FormState:
    shown = view.out()
    parameters = shown["parameters"]
    values = {
        "description": shown["description"] or "",
        "enabled": "yes" if shown["enabled"] else "",
        "projects": ", ".join(shown["projects"]),
        "environments": ", ".join(shown["environments"]),
        **{name: parameters.get(parameter, "") for name, parameter in PARAMETERS.items()},
    }
    return FormState(values, {}, {"events": shown["events"]})


def _form_page(
    page: Page, user: WebUser, webhook_id: int | None, form: FormState, status: int = 200
) -> Response:
    return page.render(
        "webhooks/form.html",
        user,
        status=status,
        webhook_id=webhook_id,
        form=form,
        event_types=EVENT_TYPES,
        mask=MASK,
    )


@router.get(BASE + "/new")
def new_page(page: PageDep, user: CreatePage) -> Response:
    form = FormState({"enabled": "yes", "content_type": "application/json"}, {}, {"events": []})
    return _form_page(page, user, None, form)


@router.post(BASE + "/new")
def create(page: PageDep, user: CreatePost, form: FormDep) -> Response:
    state = _state(form)
    try:
        view, secret = addons(page).create(user.actor, _body(state))
    except (FormError, FlagstaffError) as problem:
        page.db.rollback()
        failed = FormState(state.values, form_errors(problem), state.lists)
        return _form_page(page, user, None, failed, form_status(problem))
    return _list(page, user, view, secret)


@router.get(BASE + "/{webhook_id}/edit")
def edit_page(page: PageDep, webhook_id: WebhookId, user: UpdatePage) -> Response:
    return _form_page(page, user, webhook_id, _state_of(_webhook(page, webhook_id)))


def _webhook(page: Page, webhook_id: int) -> AddonView:
    view = addons(page).get(webhook_id)
    if view.addon.provider != WEBHOOK:
        raise NotFoundError(f"Could not find a webhook with id {webhook_id}")
    return view


@router.post(BASE + "/{webhook_id}/edit")
def update(page: PageDep, webhook_id: WebhookId, user: UpdatePost, form: FormDep) -> Response:
    state = _state(form)
    _webhook(page, webhook_id)
    try:
        addons(page).update(user.actor, webhook_id, _body(state))
    except NotFoundError:
        raise
    except (FormError, FlagstaffError) as problem:
        page.db.rollback()
        failed = FormState(state.values, form_errors(problem), state.lists)
        return _form_page(page, user, webhook_id, failed, form_status(problem))
    return redirect(BASE, flash="The webhook is saved.")


@router.get(BASE + "/{webhook_id}/log")
def log_page(page: PageDep, webhook_id: WebhookId, user: UpdatePage) -> Response:
    view = _webhook(page, webhook_id)
    rows = addons(page).deliveries(webhook_id, 0, LOG_PAGE)
    return page.render(
        "webhooks/log.html",
        user,
        webhook=_row(view),
        attempts=[delivery_out(attempt, event) for attempt, event in rows],
    )


@router.get(BASE + "/{webhook_id}/delete")
def delete_page(page: PageDep, webhook_id: WebhookId, user: DeletePage) -> Response:
    return page.render("webhooks/delete.html", user, webhook=_row(_webhook(page, webhook_id)))


@router.post(BASE + "/{webhook_id}/delete")
def delete(page: PageDep, webhook_id: WebhookId, user: DeletePost) -> Response:
    _webhook(page, webhook_id)
    addons(page).delete(user.actor, webhook_id)
    return redirect(BASE, flash="The webhook has been deleted.")
