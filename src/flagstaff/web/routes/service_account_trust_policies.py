"""Trust policies of a service account (Admins): listed on its edit page, added, edited and
deleted on pages of their own. They let a pipeline exchange its OIDC ID token for the account's
tokens (docs/service-accounts.md)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated

from fastapi import APIRouter, Path
from starlette.responses import Response

from flagstaff.core.errors import FlagstaffError, NameExistsError, NotFoundError
from flagstaff.credentials.federation.service import TrustPolicyService
from flagstaff.web.account_pages import AccountId
from flagstaff.web.deps import AdminPage, AdminPost, FormDep, Page, PageDep, WebUser
from flagstaff.web.forms import FormError, FormState, OnField, form_errors, form_status
from flagstaff.web.rendering import redirect
from flagstaff.web.routes.service_accounts import BASE
from flagstaff.web.routing import WebRoute
from flagstaff.web.scope_form import scope_options
from flagstaff.web.trust_policy_form import (
    policy_form_state,
    policy_from,
    policy_row,
    state_of_policy,
)

router = APIRouter(route_class=WebRoute, include_in_schema=False)

PolicyId = Annotated[int, Path(ge=1, le=2_147_483_647)]
POLICIES = BASE + "/{account_id}/trust-policies"
POLICY = POLICIES + "/{policy_id}"
NAME_TAKEN: Mapping[type[FlagstaffError], OnField] = {
    NameExistsError: OnField("policy_name", "This service account has a policy with that name.")
}


def policies(page: Page) -> TrustPolicyService:
    return TrustPolicyService(page.db, page.context.settings)


@router.get(POLICIES + "/new")
def new(page: PageDep, account_id: AccountId, user: AdminPage) -> Response:
    return _form_page(page, user, account_id, None, None, 200)


@router.post(POLICIES)
def create(page: PageDep, account_id: AccountId, user: AdminPost, form: FormDep) -> Response:
    state = policy_form_state(form)
    service = policies(page)
    account = service.service_account(account_id)
    try:
        policy = service.create(user.actor, account, policy_from(page.db, state))
    except (FormError, FlagstaffError) as problem:
        page.db.rollback()
        failed = FormState(state.values, form_errors(problem, NAME_TAKEN), state.lists)
        return _form_page(page, user, account_id, None, failed, form_status(problem))
    return redirect(
        f"{BASE}/{account_id}/edit#trust-policies",
        flash=f'The trust policy "{policy.name}" is saved.',
    )


def _form_page(
    page: Page,
    user: WebUser,
    account_id: int,
    policy_id: int | None,
    form: FormState | None,
    status: int,
) -> Response:
    """The new-policy page (no ``policy_id``) or a policy's edit page, filled from ``form``
    after an error, else from the policy (or empty)."""
    service = policies(page)
    account = service.service_account(account_id)
    policy = service.get(account, policy_id) if policy_id is not None else None
    if form is None:
        form = state_of_policy(policy) if policy else FormState(values={"scope_access": "any"})
    return page.render(
        "service_accounts/trust_policy.html",
        user,
        status=status,
        account=account,
        policy=policy_row(policy) if policy else None,
        form=form,
        scope=scope_options(page.db, user),
        cap_minutes=page.context.settings.oidc_max_token_lifetime_seconds // 60,
    )


@router.get(POLICY + "/edit")
def edit(page: PageDep, account_id: AccountId, policy_id: PolicyId, user: AdminPage) -> Response:
    return _form_page(page, user, account_id, policy_id, None, 200)


@router.post(POLICY + "/edit")
def update(
    page: PageDep, account_id: AccountId, policy_id: PolicyId, user: AdminPost, form: FormDep
) -> Response:
    state = policy_form_state(form)
    service = policies(page)
    account = service.service_account(account_id)
    try:
        policy = service.update(user.actor, account, policy_id, policy_from(page.db, state))
    except NotFoundError:
        raise
    except (FormError, FlagstaffError) as problem:
        page.db.rollback()
        failed = FormState(state.values, form_errors(problem, NAME_TAKEN), state.lists)
        return _form_page(page, user, account_id, policy_id, failed, form_status(problem))
    return redirect(
        f"{BASE}/{account_id}/edit#trust-policies",
        flash=f'The trust policy "{policy.name}" is saved.',
    )


@router.get(POLICY + "/delete")
def delete_page(
    page: PageDep, account_id: AccountId, policy_id: PolicyId, user: AdminPage
) -> Response:
    service = policies(page)
    account = service.service_account(account_id)
    policy = service.get(account, policy_id)
    return page.render(
        "service_accounts/trust_policy_delete.html",
        user,
        account=account,
        policy=policy_row(policy),
    )


@router.post(POLICY + "/delete")
def delete(page: PageDep, account_id: AccountId, policy_id: PolicyId, user: AdminPost) -> Response:
    service = policies(page)
    account = service.service_account(account_id)
    name = service.get(account, policy_id).name
    service.delete(user.actor, account, policy_id)
    return redirect(
        f"{BASE}/{account_id}/edit#trust-policies",
        flash=f'The trust policy "{name}" is deleted: no further tokens through it.',
    )
