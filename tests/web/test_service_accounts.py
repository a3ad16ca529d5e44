"""Service-account pages over HTTP: table, forms, tokens, show-once, delete confirmations."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from httpx2 import Response
from sqlalchemy import select, update

from flagstaff.accounts.models import Account
from flagstaff.core.db import utcnow
from flagstaff.credentials.account_tokens.models import AccountToken
from flagstaff.events.models import Event
from flagstaff.http.context import AppContext
from tests.web.factories import make_sa_token, make_service_account
from tests.web.helpers import (
    api_status,
    assert_form_error,
    assert_shows,
    confirm_then_post,
    post_form,
)

SECRET = re.compile(r"user:fsa_[0-9A-Za-z]{38}")


def _accounts(context: AppContext) -> list[Account]:
    with context.database.session(write=False) as session:
        return list(session.scalars(select(Account).where(Account.is_service.is_(True))))


def _events(context: AppContext, type_: str) -> list[Event]:
    with context.database.session(write=False) as session:
        return list(session.scalars(select(Event).where(Event.type == type_)))


def _create_with_token(client: TestClient, **fields: str) -> Response:
    """The new-account form for "CI" (service-ci, Editor) with a token made at once;
    ``fields`` add or replace fields."""
    form = {
        "name": "CI",
        "username": "service-ci",
        "root_role": "2",
        "generate": "now",
        "description": "deploy",
        "expiry": "30d",
    }
    return post_form(client, "/admin/service-accounts/new", form | fields)


def test_list__no_accounts__empty_state(admin_web: TestClient) -> None:
    html = admin_web.get("/admin/service-accounts").text

    assert "No service accounts available. Get started by adding one." in html
    assert 'Service accounts <span class="count">(0)</span>' in html


def test_list__accounts__name_username_role_tokens(
    admin_web: TestClient, context: AppContext
) -> None:
    with_tokens = make_service_account(context, name="Deployer", username="service-deployer")
    make_sa_token(context, with_tokens.id, description="github actions")
    make_sa_token(context, with_tokens.id, description="terraform")
    bare = make_service_account(context, name="Idle", username="service-idle", role="Viewer")

    html = admin_web.get("/admin/service-accounts").text

    assert_shows(
        html,
        "service-deployer",
        "2 tokens",
        "github actions",
        "terraform",
    )
    assert f'href="/admin/service-accounts/{bare.id}/edit#new-token">Create token' in html
    assert "Editor" in html
    assert "Viewer" in html
    assert ">DI<" in html or ">D<" in html  # initials avatar, no external image
    assert "gravatar" not in html


def test_list__search__filters_on_the_server(admin_web: TestClient, context: AppContext) -> None:
    make_service_account(context, name="Deployer", username="service-deployer")
    other = make_service_account(context, name="Reporter", username="service-reporter")
    make_sa_token(context, other.id, description="nightly export")

    by_token = admin_web.get("/admin/service-accounts", params={"q": "NIGHTLY"}).text
    nothing = admin_web.get("/admin/service-accounts", params={"q": "zzz"}).text

    assert "service-reporter" in by_token
    assert "service-deployer" not in by_token
    assert "No service accounts found matching" in nothing


def test_list__sort_by_name__ascending(admin_web: TestClient, context: AppContext) -> None:
    make_service_account(context, name="Zed", username="service-zed")
    make_service_account(context, name="Amy", username="service-amy")

    html = admin_web.get("/admin/service-accounts", params={"sort": "name", "dir": "asc"}).text
    default = admin_web.get("/admin/service-accounts").text

    assert html.index("service-amy") < html.index("service-zed")
    assert default.index("service-amy") < default.index("service-zed")  # newest first


def test_create__blank_username__suggested_from_the_name(
    admin_web: TestClient, context: AppContext
) -> None:
    response = post_form(
        admin_web, "/admin/service-accounts/new", {"name": "Release Bot #2!", "root_role": "2"}
    )

    assert response.status_code == 303
    assert [a.username for a in _accounts(context)] == ["service-release-bot-2"]
    created = _events(context, "service-account-created")
    assert created[0].created_by == "admin"


def test_create__taken_username__error_in_the_form(
    admin_web: TestClient, context: AppContext
) -> None:
    make_service_account(context, username="service-ci")

    response = post_form(
        admin_web,
        "/admin/service-accounts/new",
        {"name": "CI", "username": "service-ci", "root_role": "2"},
    )

    assert_form_error(response, "A service account or user with that username already exists.")
    assert 'value="CI"' in response.text


def test_create__bad_username__error_in_the_form(admin_web: TestClient) -> None:
    response = post_form(
        admin_web,
        "/admin/service-accounts/new",
        {"name": "CI", "username": "has space", "root_role": "2"},
    )

    assert_form_error(response, "Use letters, digits")


def test_create__with_token_now__secret_only_in_that_response(
    admin_web: TestClient, context: AppContext
) -> None:
    response = _create_with_token(admin_web)

    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    secret = SECRET.search(response.text)
    assert secret is not None
    assert "Service account token created" in response.text
    assert "You won't be able to see it again!" in response.text
    account = _accounts(context)[0]
    later = admin_web.get(f"/admin/service-accounts/{account.id}/edit")
    assert secret.group(0) not in later.text
    assert "deploy" in later.text
    reloaded = admin_web.get(f"/admin/service-accounts/{account.id}/tokens", follow_redirects=False)
    assert reloaded.status_code == 303
    assert secret.group(0) not in str(reloaded.headers)
    assert all(secret.group(0) not in c for c in admin_web.cookies.values())


def test_create__with_token_and_past_custom_date__nothing_created(
    admin_web: TestClient, context: AppContext
) -> None:
    response = _create_with_token(admin_web, expiry="custom", expires_at="2001-01-01T00:00")

    assert_form_error(response, "Invalid date, must be in the future.")
    assert _accounts(context) == []


def test_edit__name_and_role__saved_username_unchanged(
    admin_web: TestClient, context: AppContext
) -> None:
    account = make_service_account(context, username="service-ci")

    response = post_form(
        admin_web,
        f"/admin/service-accounts/{account.id}/edit",
        {"name": "Renamed", "root_role": "3", "username": "service-other"},
    )

    assert response.status_code == 303
    saved = _accounts(context)[0]
    assert (saved.name, saved.username, saved.root_role_id) == ("Renamed", "service-ci", 3)
    page = admin_web.get(f"/admin/service-accounts/{account.id}/edit").text
    assert re.search(r'id="username" value="service-ci" disabled', page)


def test_edit__empty_name__error_in_the_form(admin_web: TestClient, context: AppContext) -> None:
    account = make_service_account(context)

    response = post_form(
        admin_web, f"/admin/service-accounts/{account.id}/edit", {"name": "", "root_role": "3"}
    )

    assert_form_error(response, "This field is required.")


def test_token__create__dialog_then_never_again(admin_web: TestClient, context: AppContext) -> None:
    account = make_service_account(context)

    response = post_form(
        admin_web,
        f"/admin/service-accounts/{account.id}/tokens",
        {"description": "deploy", "expiry": "7d"},
    )

    secret = SECRET.search(response.text)
    assert response.status_code == 200
    assert secret is not None
    assert f'data-return-url="/admin/service-accounts/{account.id}/edit"' in response.text
    assert secret.group(0) not in admin_web.get(f"/admin/service-accounts/{account.id}/edit").text
    assert secret.group(0) not in admin_web.get("/admin/service-accounts").text
    assert secret.group(0) not in admin_web.get("/history").text
    api = admin_web.get("/api/admin/user", headers={"Authorization": secret.group(0)})
    assert api.json()["user"]["username"] == "service-ci"


def test_token__duplicate_description__error(admin_web: TestClient, context: AppContext) -> None:
    account = make_service_account(context)
    make_sa_token(context, account.id, description="deploy")

    response = post_form(
        admin_web,
        f"/admin/service-accounts/{account.id}/tokens",
        {"description": "deploy", "expiry": "7d"},
    )

    assert response.status_code == 400
    assert "A token with that description already exists." in response.text
    assert SECRET.search(response.text) is None


@pytest.mark.parametrize(
    ("choice", "days"), [("7d", 7), ("30d", 30), ("60d", 60), ("90d", 90), ("never", 365000)]
)
def test_token__expiry_choices__dates(
    admin_web: TestClient, context: AppContext, choice: str, days: int
) -> None:
    account = make_service_account(context)

    post_form(
        admin_web,
        f"/admin/service-accounts/{account.id}/tokens",
        {"description": "t", "expiry": choice},
    )

    with context.database.session(write=False) as session:
        token = session.scalars(select(AccountToken)).one()
        lifetime = token.expires_at - token.created_at
    assert abs(lifetime - timedelta(days=days)) < timedelta(minutes=1)


def test_token__custom_future_date__used(admin_web: TestClient, context: AppContext) -> None:
    account = make_service_account(context)
    when = (utcnow() + timedelta(days=3)).replace(second=0, microsecond=0)

    post_form(
        admin_web,
        f"/admin/service-accounts/{account.id}/tokens",
        {"description": "t", "expiry": "custom", "expires_at": when.strftime("%Y-%m-%dT%H:%M")},
    )

    with context.database.session(write=False) as session:
        assert session.scalars(select(AccountToken.expires_at)).one() == when


def test_tokens_table__markers_never_soon_expired(
    admin_web: TestClient, context: AppContext
) -> None:
    account = make_service_account(context)
    make_sa_token(context, account.id, description="forever", days=365 * 1000)
    make_sa_token(context, account.id, description="soon", days=5)
    make_sa_token(context, account.id, description="gone", days=5)
    with context.database.transaction() as session:
        old = utcnow() - timedelta(days=20)
        session.execute(
            update(AccountToken).where(AccountToken.description == "soon").values(created_at=old)
        )
        session.execute(
            update(AccountToken)
            .where(AccountToken.description == "gone")
            .values(created_at=old, expires_at=utcnow() - timedelta(days=1))
        )

    html = admin_web.get(f"/admin/service-accounts/{account.id}/edit").text

    assert_shows(
        html,
        "Never",
        "Expires soon",
        "This token expires soon",
        "This token has expired",
    )


def test_tokens__at_the_limit__form_disabled(admin_web: TestClient, context: AppContext) -> None:
    account = make_service_account(context)
    for number in range(context.settings.max_tokens_per_account):
        make_sa_token(context, account.id, description=f"token {number}")

    html = admin_web.get(f"/admin/service-accounts/{account.id}/edit").text

    assert "the most it may hold" in html
    assert re.search(r'<button class="button primary" type="submit" disabled>', html)


def test_token_delete__confirmation_names_it__then_api_refuses(
    admin_web: TestClient, context: AppContext
) -> None:
    account = make_service_account(context)
    secret = make_sa_token(context, account.id, description="github actions")
    with context.database.session(write=False) as session:
        token_id = session.scalars(select(AccountToken.id)).one()
    base = f"/admin/service-accounts/{account.id}/tokens/{token_id}/delete"

    confirm, response = confirm_then_post(admin_web, base)

    assert_shows(
        confirm,
        "Delete token?",
        "github actions",
        "no longer be able to access the Admin API",
    )
    assert response.status_code == 303
    assert api_status(admin_web, "/api/admin/user", secret) == 401


def test_account_delete__with_tokens__warns_and_lists_them(
    admin_web: TestClient, context: AppContext
) -> None:
    account = make_service_account(context, name="Deployer")
    secret = make_sa_token(context, account.id, description="github actions")

    confirm, response = confirm_then_post(admin_web, f"/admin/service-accounts/{account.id}/delete")

    assert_shows(
        confirm,
        "Delete service account?",
        "You are about to delete service account: <strong>Deployer</strong>",
        "may break existing implementations",
        "lose access",
        "github actions",
    )
    assert response.status_code == 303
    assert _accounts(context) == []
    assert api_status(admin_web, "/api/admin/user", secret) == 401
    assert "Deployer has been deleted." in admin_web.get("/admin/service-accounts").text


def test_account_delete__without_tokens__says_nothing_breaks(
    admin_web: TestClient, context: AppContext
) -> None:
    account = make_service_account(context)

    confirm = admin_web.get(f"/admin/service-accounts/{account.id}/delete").text

    assert "no integration uses it" in confirm
    assert "may break" not in confirm
