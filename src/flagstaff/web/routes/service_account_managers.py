"""The managers of a service account (Admins): the people who may look after its tokens, chosen
on its edit page."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.responses import Response

from flagstaff.core.errors import FlagstaffError, NotFoundError
from flagstaff.service_accounts.routes import ManagersIn
from flagstaff.web.account_pages import AccountId
from flagstaff.web.deps import AdminPost, FormDep, Page, PageDep, WebUser
from flagstaff.web.forms import FormError, form_lists, validated
from flagstaff.web.manager_choices import MANAGERS_FIELD, chosen_ids
from flagstaff.web.rendering import plural, redirect
from flagstaff.web.routes.service_accounts import BASE, edit_page
from flagstaff.web.routing import WebRoute

router = APIRouter(route_class=WebRoute, include_in_schema=False)


@router.post(BASE + "/{account_id}/managers")
def set_managers(page: PageDep, account_id: AccountId, user: AdminPost, form: FormDep) -> Response:
    raw = form_lists(form, (MANAGERS_FIELD,))[MANAGERS_FIELD]
    try:
        # The API's wire model, so that the page refuses what the API refuses.
        body = validated(ManagersIn, {"managers": chosen_ids(raw)}, {"managers": "managers"})
        account = page.service_accounts().set_managers(user.actor, account_id, body.managers)
    except NotFoundError:
        raise
    except FormError as problem:
        return _failed(page, user, account_id, " ".join(problem.errors.values()))
    except FlagstaffError as problem:
        return _failed(page, user, account_id, problem.message)
    name = account.name or account.username
    count = len(body.managers)
    flash = (
        f"{name} now has {plural(count, 'manager')}."
        if count
        else f"{name} has no managers now: only Admins look after its tokens."
    )
    return redirect(f"{BASE}/{account_id}/edit#managers", flash=flash)


def _failed(page: Page, user: WebUser, account_id: int, message: str) -> Response:
    """Nothing changed: the edit page again, with what was wrong beside the managers."""
    page.db.rollback()
    return edit_page(page, user, account_id, managers_error=message, status=400)
