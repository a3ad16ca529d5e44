"""Disabling and enabling service accounts and users from their pages, over HTTP."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update

from flagstaff.core.db import utcnow
from flagstaff.credentials.account_tokens.models import AccountToken
from flagstaff.http.context import AppContext
from tests.factories import UserHandle, get_account, make_user
from tests.web.factories import make_sa_token, make_service_account
from tests.web.helpers import api_status, post_form, web_login, web_login_new_user


def _disabled(context: AppContext, account_id: int) -> bool:
    account = get_account(context, account_id)
    assert account is not None
    return account.disabled_at is not None


def test_service_account__disable_from_the_table__badge_and_tokens_refused(
    admin_web: TestClient, context: AppContext
) -> None:
    account = make_service_account(context, name="Deployer")
    secret = make_sa_token(context, account.id)

    response = post_form(
        admin_web, f"/admin/service-accounts/{account.id}/disable", {"return": "list"}
    )
    table = admin_web.get("/admin/service-accounts").text

    assert response.status_code == 303
    assert response.headers["location"] == "/admin/service-accounts"
    assert "data-account-state>Disabled<" in table
    assert "Enable Deployer" in table
    assert api_status(admin_web, "/api/admin/user", secret) == 401
    assert (
        'data-token-state="disabled"'
        in admin_web.get(f"/admin/service-accounts/{account.id}/edit").text
    )


def test_service_account__enable_from_its_page__tokens_work_again(
    admin_web: TestClient, context: AppContext
) -> None:
    account = make_service_account(context)
    secret = make_sa_token(context, account.id)
    post_form(admin_web, f"/admin/service-accounts/{account.id}/disable")

    response = post_form(
        admin_web, f"/admin/service-accounts/{account.id}/enable", {"return": "edit"}
    )

    assert response.headers["location"] == f"/admin/service-accounts/{account.id}/edit"
    assert not _disabled(context, account.id)
    assert api_status(admin_web, "/api/admin/user", secret) == 200


def test_service_accounts_table__tokens_expiring_soon__counted(
    admin_web: TestClient, context: AppContext
) -> None:
    account = make_service_account(context)
    make_sa_token(context, account.id, description="soon", days=3)
    make_sa_token(context, account.id, description="later", days=3)
    make_sa_token(context, account.id, description="fine", days=90)
    with context.database.transaction() as session:
        session.execute(
            update(AccountToken)
            .where(AccountToken.description.in_(["soon", "later"]))
            .values(created_at=utcnow() - timedelta(days=30))
        )

    html = admin_web.get("/admin/service-accounts").text

    assert "2 expiring soon" in html


def test_user__disable_then_enable__their_session_refused_then_back(
    admin_web: TestClient, context: AppContext, new_client: Callable[[], TestClient]
) -> None:
    ada = make_user(context, username="ada", name="Ada")
    theirs = web_login(new_client(), "ada")

    disabled = post_form(admin_web, f"/admin/users/{ada.id}/disable", {"return": "list"})
    table = admin_web.get("/admin/users").text
    locked_out = theirs.get("/profile", follow_redirects=False).status_code
    enabled = post_form(admin_web, f"/admin/users/{ada.id}/enable")

    assert disabled.headers["location"] == "/admin/users"
    assert "data-account-state>Disabled<" in table
    assert "Enable Ada" in table
    assert locked_out == 303
    assert enabled.headers["location"] == f"/admin/users/{ada.id}/edit"
    assert not _disabled(context, ada.id)
    web_login(new_client(), "ada")


def test_user__yourself__no_button_and_refused(
    admin_web: TestClient, context: AppContext, admin: UserHandle
) -> None:
    page = admin_web.get(f"/admin/users/{admin.id}/edit").text

    response = post_form(admin_web, f"/admin/users/{admin.id}/disable")

    assert "Disable user" not in page
    assert response.status_code == 403
    assert "You cannot disable or enable your own account" in response.text
    assert not _disabled(context, admin.id)


@pytest.mark.parametrize("action", ["disable", "enable"])
def test_switches__unknown_or_wrong_kind_of_account__not_found(
    admin_web: TestClient, context: AppContext, admin: UserHandle, action: str
) -> None:
    account = make_service_account(context)

    assert post_form(admin_web, f"/admin/users/{account.id}/{action}").status_code == 404
    assert post_form(admin_web, f"/admin/service-accounts/{admin.id}/{action}").status_code == 404
    assert post_form(admin_web, f"/admin/users/999999/{action}").status_code == 404
    assert post_form(admin_web, f"/admin/service-accounts/999999/{action}").status_code == 404


@pytest.mark.parametrize("kind", ["users", "service-accounts"])
def test_switches__viewer__refused(
    client: TestClient, context: AppContext, admin: UserHandle, kind: str
) -> None:
    target = make_service_account(context).id if kind == "service-accounts" else admin.id
    viewer = web_login_new_user(client, context, "viewer", "Viewer")

    response = post_form(viewer, f"/admin/{kind}/{target}/disable")

    assert response.status_code == 403
    assert not _disabled(context, target)


@pytest.mark.parametrize("kind", ["users", "service-accounts"])
def test_switches__without_csrf_token__refused(
    admin_web: TestClient, context: AppContext, kind: str
) -> None:
    target = (
        make_service_account(context).id
        if kind == "service-accounts"
        else make_user(context, username="ada").id
    )

    response = post_form(admin_web, f"/admin/{kind}/{target}/disable", csrf="")

    assert response.status_code == 403
    assert not _disabled(context, target)
