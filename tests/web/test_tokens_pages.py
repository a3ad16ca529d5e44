"""Personal access tokens in the profile, and API tokens: show-once, lists without secrets."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy import select

from flagstaff.credentials.account_tokens.lifetimes import TokenPolicy
from flagstaff.credentials.account_tokens.models import AccountToken
from flagstaff.credentials.api_tokens.models import ApiToken
from flagstaff.http.context import AppContext
from tests.factories import PASSWORD, UserHandle, make_user
from tests.web.factories import set_policy
from tests.web.helpers import (
    api_status,
    assert_form_error,
    confirm_then_post,
    post_form,
    web_login,
    web_login_new_user,
)

PAT = re.compile(r"user:fsa_[0-9A-Za-z]{38}")


def _dialog_secret(html: str) -> str:
    match = re.search(r'value="([^"]+)" data-secret', html)
    assert match, "no show-once dialog"
    return match.group(1)


def test_profile__create_pat__shown_once_and_works(client: TestClient, context: AppContext) -> None:
    web_login_new_user(client, context, "ada", "Viewer")

    response = post_form(client, "/profile/tokens", {"description": "laptop", "expiry": "30d"})

    secret = PAT.search(response.text)
    assert response.status_code == 200
    assert secret is not None
    assert "Personal API token created" in response.text
    assert response.headers["cache-control"] == "no-store"
    assert secret.group(0) not in client.get("/profile").text
    assert client.get("/profile/tokens", follow_redirects=False).status_code == 303
    me = client.get("/api/admin/user", headers={"Authorization": secret.group(0)})
    assert me.json()["user"]["username"] == "ada"


def test_profile__delete_pat__api_refuses_it(client: TestClient, context: AppContext) -> None:
    web_login_new_user(client, context, "ada", "Viewer")
    secret = _dialog_secret(
        post_form(client, "/profile/tokens", {"description": "laptop", "expiry": "7d"}).text
    )
    with context.database.session(write=False) as session:
        token_id = session.scalars(select(AccountToken.id)).one()

    confirm, response = confirm_then_post(client, f"/profile/tokens/{token_id}/delete")

    assert "laptop" in confirm
    assert response.status_code == 303
    assert api_status(client, "/api/admin/user", secret) == 401


def test_profile__another_persons_token__not_found(
    client: TestClient, context: AppContext, admin: UserHandle
) -> None:
    admin_web = web_login(client, "admin")
    post_form(admin_web, "/profile/tokens", {"description": "mine", "expiry": "7d"})
    with context.database.session(write=False) as session:
        token_id = session.scalars(select(AccountToken.id)).one()
    make_user(context, username="ada", role="Admin")
    post_form(admin_web, "/sign-out")
    web_login(client, "ada")

    assert client.get(f"/profile/tokens/{token_id}/delete").status_code == 404
    assert post_form(client, f"/profile/tokens/{token_id}/delete").status_code == 404


def test_profile__change_password__keeps_this_session(
    client: TestClient, context: AppContext
) -> None:
    web_login_new_user(client, context, "ada", "Viewer")
    new = "Another-Pa55word!"

    response = post_form(
        client, "/profile/password", {"old": PASSWORD, "password": new, "confirm": new}
    )

    assert response.status_code == 303
    assert client.get("/profile").status_code == 200


def test_profile__change_password__wrong_old__error(
    client: TestClient, context: AppContext
) -> None:
    web_login_new_user(client, context, "ada", "Viewer")

    response = post_form(
        client, "/profile/password", {"old": "nope", "password": "x", "confirm": "x"}
    )

    assert_form_error(response, "That is not your current password.")


def test_api_tokens__create_client_token__shown_once_and_reads_flags(
    admin_web: TestClient,
) -> None:
    response = post_form(
        admin_web,
        "/admin/api-tokens/new",
        {
            "name": "checkout-service",
            "type": "client",
            "environment": "development",
            "expiry": "never",
        },
    )

    secret = _dialog_secret(response.text)
    assert response.status_code == 200
    assert "API token created" in response.text
    assert secret.startswith("*:development.")
    listing = admin_web.get("/admin/api-tokens").text
    assert "checkout-service" in listing
    assert secret not in listing
    assert api_status(admin_web, "/api/client/features", secret) == 200


def test_api_tokens__delete__confirm_then_refused(
    admin_web: TestClient, context: AppContext
) -> None:
    secret = _dialog_secret(
        post_form(
            admin_web,
            "/admin/api-tokens/new",
            {"name": "edge", "type": "client", "environment": "production", "expiry": "30d"},
        ).text
    )
    with context.database.session(write=False) as session:
        selector = session.scalars(select(ApiToken.selector)).one()

    confirm, response = confirm_then_post(admin_web, f"/admin/api-tokens/{selector}/delete")

    assert "edge" in confirm
    assert "no longer be able to read flags" in confirm
    assert response.status_code == 303
    assert api_status(admin_web, "/api/client/features", secret) == 401


def test_api_tokens__editor__cannot_create_admin_tokens(
    client: TestClient, context: AppContext
) -> None:
    web_login_new_user(client, context, "ed", "Editor")

    form = client.get("/admin/api-tokens/new").text
    response = post_form(
        client,
        "/admin/api-tokens/new",
        {"name": "root", "type": "admin", "expiry": "never"},
    )

    assert 'value="admin"' not in form
    assert response.status_code == 403


def test_api_tokens__missing_name__error(admin_web: TestClient) -> None:
    response = post_form(
        admin_web, "/admin/api-tokens/new", {"name": "", "type": "client", "expiry": "never"}
    )

    assert_form_error(response, "Give the token a name.")


def test_api_tokens__admin_token_never_expiring_under_a_policy_against_it__form_error(
    admin_web: TestClient, context: AppContext
) -> None:
    set_policy(context, TokenPolicy(allow_never_expires=False))

    response = post_form(
        admin_web, "/admin/api-tokens/new", {"name": "root", "type": "admin", "expiry": "never"}
    )

    assert_form_error(response, "does not allow tokens that never expire")
    with context.database.session(write=False) as session:
        assert session.scalars(select(ApiToken)).all() == []


def test_api_tokens__list__shows_who_created_each(admin_web: TestClient) -> None:
    post_form(
        admin_web,
        "/admin/api-tokens/new",
        {"name": "edge", "type": "client", "environment": "production", "expiry": "30d"},
    )

    listing = admin_web.get("/admin/api-tokens").text

    assert "Created by" in listing
    assert re.search(r"<td[^>]*>\s*admin\s*</td>", listing)
