"""Your own personal access tokens over their life, over HTTP: rotate with a grace window,
disable and enable, the revoked records."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from flagstaff.credentials.account_tokens.lifetimes import TokenPolicy
from flagstaff.http.context import AppContext
from tests.factories import UserHandle, make_user
from tests.web.factories import make_pat, set_policy, token_id, token_record
from tests.web.helpers import (
    api_status,
    assert_form_error,
    assert_shows,
    post_form,
    web_login,
    web_login_new_user,
)

SECRET = re.compile(r'value="(user:fsa_[0-9A-Za-z]{38})" data-secret')


def _ada_with_a_token(client: TestClient, context: AppContext) -> tuple[str, int]:
    ada = make_user(context, username="ada", role="Viewer")
    web_login(client, "ada")
    secret = make_pat(context, ada.id, description="laptop")
    return secret, token_id(context, "laptop")


def test_profile__tokens__state_badge_and_actions(client: TestClient, context: AppContext) -> None:
    _, token = _ada_with_a_token(client, context)

    html = client.get("/profile").text

    assert 'data-token-state="active"' in html
    assert_shows(
        html,
        f'href="/profile/tokens/{token}/rotate"',
        "Disable token laptop",
        "Delete token laptop",
    )
    assert "rotate itself" not in html  # self-rotation is for admins to allow


def test_profile__rotate_with_grace__successor_shown_once_old_marked_rotated(
    client: TestClient, context: AppContext
) -> None:
    old_secret, token = _ada_with_a_token(client, context)

    form = client.get(f"/profile/tokens/{token}/rotate")
    response = post_form(
        client, f"/profile/tokens/{token}/rotate", {"grace": "3600", "expiry": "same"}
    )

    assert form.status_code == 200
    assert response.status_code == 200
    match = SECRET.search(response.text)
    assert match is not None
    assert "Token rotated" in response.text
    assert api_status(client, "/api/admin/user", match.group(1)) == 200
    assert api_status(client, "/api/admin/user", old_secret) == 200
    page = client.get("/profile").text
    assert match.group(1) not in page
    assert "Rotated, valid until" in page


def test_profile__rotate_bad_grace__form_kept(client: TestClient, context: AppContext) -> None:
    _, token = _ada_with_a_token(client, context)

    response = post_form(client, f"/profile/tokens/{token}/rotate", {"grace": "x", "expiry": "7d"})

    assert_form_error(response, "Choose how long the old token keeps working.")
    assert token_record(context, token).rotated_at is None


def test_profile__disable_then_enable(client: TestClient, context: AppContext) -> None:
    secret, token = _ada_with_a_token(client, context)

    disabled = post_form(client, f"/profile/tokens/{token}/disable")
    refused = api_status(client, "/api/admin/user", secret)
    enabled = post_form(client, f"/profile/tokens/{token}/enable")

    assert disabled.status_code == 303
    assert refused == 401
    assert enabled.status_code == 303
    assert api_status(client, "/api/admin/user", secret) == 200


def test_profile__revoked_records(client: TestClient, context: AppContext) -> None:
    _, token = _ada_with_a_token(client, context)
    post_form(client, f"/profile/tokens/{token}/delete")

    retired = client.get("/profile", params={"show": "retired"}).text
    current = client.get("/profile").text

    assert_shows(retired, "laptop", ">Revoked<", "Deleted", "ada")
    assert "laptop" not in current


def test_profile__another_persons_token__not_found(
    client: TestClient, context: AppContext, admin: UserHandle
) -> None:
    make_pat(context, admin.id, description="admins")
    theirs = token_id(context, "admins")
    make_user(context, username="ada")
    web_login(client, "ada")

    assert client.get(f"/profile/tokens/{theirs}/rotate").status_code == 404
    for action in ("rotate", "disable", "enable"):
        response = post_form(client, f"/profile/tokens/{theirs}/{action}", {"grace": "0"})
        assert response.status_code == 404, action
    assert token_record(context, theirs).disabled_at is None


@pytest.mark.parametrize("action", ["rotate", "disable", "enable"])
def test_profile__lifecycle_posts_without_csrf_token__refused(
    client: TestClient, context: AppContext, action: str
) -> None:
    _, token = _ada_with_a_token(client, context)

    response = post_form(
        client, f"/profile/tokens/{token}/{action}", {"grace": "0", "expiry": "same"}, csrf=""
    )

    assert response.status_code == 403
    record = token_record(context, token)
    assert (record.rotated_at, record.disabled_at) == (None, None)


def test_profile__policy_forbids_never__form_does_not_offer_it(
    client: TestClient, context: AppContext
) -> None:
    set_policy(context, TokenPolicy(allow_never_expires=False))
    web_login_new_user(client, context, "ada", "Viewer")

    html = client.get("/profile").text
    refused = post_form(client, "/profile/tokens", {"description": "x", "expiry": "never"})

    assert 'value="never"' not in html
    assert 'value="90d"' in html
    assert "asks every token to have an expiry date" in html
    assert_form_error(refused, "does not allow tokens that never expire")
