"""A service account's tokens over their life, over HTTP: state badges, rotation with a grace
window (the successor's secret shown once), disable and enable, self-rotation, revoked records."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update

from flagstaff.core.db import utcnow
from flagstaff.credentials.account_tokens.lifetimes import TokenPolicy
from flagstaff.credentials.account_tokens.models import AccountToken
from flagstaff.http.context import AppContext
from tests.factories import UserHandle
from tests.web.factories import (
    make_sa_token,
    make_service_account,
    set_policy,
    token_id,
    token_record,
)
from tests.web.helpers import (
    api_status,
    assert_form_error,
    assert_shows,
    post_form,
    web_login_new_user,
)

SECRET = re.compile(r'value="(user:fsa_[0-9A-Za-z]{38})" data-secret')
BASE = "/admin/service-accounts"


def _edit(account_id: int) -> str:
    return f"{BASE}/{account_id}/edit"


def _token_path(account_id: int, token: int, action: str) -> str:
    return f"{BASE}/{account_id}/tokens/{token}/{action}"


def _set(context: AppContext, description: str, **values: object) -> None:
    with context.database.transaction() as session:
        session.execute(
            update(AccountToken).where(AccountToken.description == description).values(**values)
        )


def test_edit__tokens__one_badge_per_state(admin_web: TestClient, context: AppContext) -> None:
    account = make_service_account(context)
    for description in ("fine", "soon", "gone", "paused", "forever"):
        make_sa_token(context, account.id, description=description, days=5)
    old = utcnow() - timedelta(days=20)
    _set(context, "soon", created_at=old)
    _set(context, "gone", created_at=old, expires_at=utcnow() - timedelta(days=1))
    _set(context, "fine", expires_at=utcnow() + timedelta(days=60))
    _set(context, "paused", disabled_at=utcnow(), disabled_by="admin")
    _set(context, "forever", expires_at=utcnow() + timedelta(days=365 * 1000))
    set_policy(context, TokenPolicy(allow_never_expires=False))

    html = admin_web.get(_edit(account.id)).text

    assert re.search(r'data-token-state="active"[^>]*>Active<', html)
    assert_shows(
        html,
        ">Expires soon<",
        "This token expires soon",
        ">Expired<",
        "This token has expired",
        ">Disabled<",
        "by admin",
        ">Blocked by policy<",
    )


def test_rotate__one_day_of_grace__successor_shown_once_and_old_still_works(
    admin_web: TestClient, context: AppContext
) -> None:
    account = make_service_account(context)
    old_secret = make_sa_token(context, account.id, description="deploy")
    old = token_id(context, "deploy")

    form = admin_web.get(_token_path(account.id, old, "rotate"))
    response = post_form(
        admin_web, _token_path(account.id, old, "rotate"), {"grace": "86400", "expiry": "same"}
    )

    assert form.status_code == 200
    assert "Rotate token “deploy”" in form.text
    assert response.status_code == 200
    match = SECRET.search(response.text)
    assert match is not None
    new_secret = match.group(1)
    assert "Token rotated" in response.text
    assert api_status(admin_web, "/api/admin/user", new_secret) == 200
    assert api_status(admin_web, "/api/admin/user", old_secret) == 200
    page = admin_web.get(_edit(account.id)).text
    assert new_secret not in page
    assert "Rotated, valid until" in page
    record = token_record(context, old)
    assert record.grace_until is not None
    assert record.rotated_at is not None
    assert timedelta(hours=23) < record.grace_until - record.rotated_at <= timedelta(days=1)


def test_rotate__no_grace_and_a_new_expiry__old_ends_at_once(
    admin_web: TestClient, context: AppContext
) -> None:
    account = make_service_account(context)
    make_sa_token(context, account.id, description="deploy")
    old = token_id(context, "deploy")

    response = post_form(
        admin_web, _token_path(account.id, old, "rotate"), {"grace": "0", "expiry": "7d"}
    )

    assert response.status_code == 200
    record = token_record(context, old)
    assert record.rotated_at is not None
    assert record.grace_until == record.rotated_at
    successor = token_record(context, token_id(context, "deploy"))
    assert timedelta(days=6) < successor.expires_at - utcnow() <= timedelta(days=7)
    # Out of its grace window the old token is a record, not a row of the table.
    assert 'data-token-state="rotated"' not in admin_web.get(_edit(account.id)).text


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"grace": "60", "expiry": "same"}, "Choose how long the old token keeps working."),
        ({"grace": "0", "expiry": "custom", "expires_at": "soon"}, "Pick a date and time"),
        ({"grace": "0", "expiry": "sometime"}, "Choose when the token expires."),
    ],
)
def test_rotate__bad_input__form_kept(
    admin_web: TestClient, context: AppContext, fields: dict[str, str], message: str
) -> None:
    account = make_service_account(context)
    make_sa_token(context, account.id, description="deploy")
    old = token_id(context, "deploy")

    response = post_form(admin_web, _token_path(account.id, old, "rotate"), fields)

    assert_form_error(response, message)
    assert 'name="grace"' in response.text
    assert token_record(context, old).rotated_at is None


def test_rotate__already_rotated__the_services_reason(
    admin_web: TestClient, context: AppContext
) -> None:
    account = make_service_account(context)
    make_sa_token(context, account.id, description="deploy")
    old = token_id(context, "deploy")
    path = _token_path(account.id, old, "rotate")
    post_form(admin_web, path, {"grace": "3600", "expiry": "same"})

    response = post_form(admin_web, path, {"grace": "3600", "expiry": "same"})

    assert_form_error(response, "This token was already rotated")


def test_rotate__policy_caps_the_new_expiry__its_message_shown(
    admin_web: TestClient, context: AppContext
) -> None:
    account = make_service_account(context)
    make_sa_token(context, account.id, description="deploy", days=5)
    set_policy(context, TokenPolicy(max_lifetime_days=10))
    old = token_id(context, "deploy")
    far = (utcnow() + timedelta(days=40)).strftime("%Y-%m-%dT%H:%M")

    form = admin_web.get(_token_path(account.id, old, "rotate")).text
    response = post_form(
        admin_web,
        _token_path(account.id, old, "rotate"),
        {"grace": "0", "expiry": "custom", "expires_at": far},
    )

    assert 'value="30d"' not in form
    assert 'value="never"' not in form
    assert_form_error(response, "The token lifetime policy allows at most 10 days")


def test_token_actions__unknown_or_another_accounts_token__not_found(
    admin_web: TestClient, context: AppContext
) -> None:
    account = make_service_account(context)
    other = make_service_account(context, username="service-other")
    make_sa_token(context, other.id, description="theirs")
    theirs = token_id(context, "theirs")

    for token in (theirs, 999_999):
        assert admin_web.get(_token_path(account.id, token, "rotate")).status_code == 404
        for action in ("rotate", "disable", "enable", "self-rotation"):
            path = _token_path(account.id, token, action)
            assert post_form(admin_web, path, {"allowed": "true"}).status_code == 404, action
    assert admin_web.get(_token_path(999_999, theirs, "rotate")).status_code == 404


def test_disable_then_enable__api_refuses_then_accepts(
    admin_web: TestClient, context: AppContext
) -> None:
    account = make_service_account(context)
    secret = make_sa_token(context, account.id, description="deploy")
    token = token_id(context, "deploy")

    disabled = post_form(admin_web, _token_path(account.id, token, "disable"))
    refused = api_status(admin_web, "/api/admin/user", secret)
    page = admin_web.get(_edit(account.id)).text
    enabled = post_form(admin_web, _token_path(account.id, token, "enable"))

    assert disabled.status_code == 303
    assert refused == 401
    assert 'data-token-state="disabled"' in page
    assert "Enable token deploy" in page
    assert enabled.status_code == 303
    assert api_status(admin_web, "/api/admin/user", secret) == 200


def test_self_rotation__allow_then_forbid(admin_web: TestClient, context: AppContext) -> None:
    account = make_service_account(context)
    make_sa_token(context, account.id, description="deploy")
    token = token_id(context, "deploy")
    path = _token_path(account.id, token, "self-rotation")

    allowed = post_form(admin_web, path, {"allowed": "true"})
    after_allow = token_record(context, token).self_rotation
    page = admin_web.get(_edit(account.id)).text
    post_form(admin_web, path, {"allowed": "false"})

    assert allowed.status_code == 303
    assert after_allow is True
    assert "Forbid token deploy to rotate itself" in page
    assert token_record(context, token).self_rotation is False


def test_self_rotation__unreadable_value__refused(
    admin_web: TestClient, context: AppContext
) -> None:
    account = make_service_account(context)
    make_sa_token(context, account.id, description="deploy")
    token = token_id(context, "deploy")

    response = post_form(admin_web, _token_path(account.id, token, "self-rotation"), {})

    assert response.status_code == 400
    assert token_record(context, token).self_rotation is False


def test_revoked_tab__lists_deleted_and_rotated_out_records(
    admin_web: TestClient, context: AppContext
) -> None:
    account = make_service_account(context)
    make_sa_token(context, account.id, description="old laptop")
    make_sa_token(context, account.id, description="deploy")
    post_form(admin_web, f"{BASE}/{account.id}/tokens/{token_id(context, 'old laptop')}/delete")
    rotate = _token_path(account.id, token_id(context, "deploy"), "rotate")
    post_form(admin_web, rotate, {"grace": "0", "expiry": "same"})

    current = admin_web.get(_edit(account.id)).text
    retired = admin_web.get(_edit(account.id), params={"show": "retired"}).text

    assert "old laptop" not in current
    assert "data-retired-table" in retired
    assert_shows(retired, "old laptop", ">Revoked<", "Deleted", "admin", ">Rotated<")
    assert "Replaced by rotation" in retired


def test_lifecycle_pages__viewer__refused(
    client: TestClient, context: AppContext, admin: UserHandle
) -> None:
    account = make_service_account(context)
    make_sa_token(context, account.id, description="deploy")
    token = token_id(context, "deploy")
    viewer = web_login_new_user(client, context, "viewer", "Viewer")

    assert viewer.get(_token_path(account.id, token, "rotate")).status_code == 403
    for action in ("rotate", "disable", "enable", "self-rotation"):
        fields = {"grace": "0", "expiry": "same", "allowed": "true"}
        response = post_form(viewer, _token_path(account.id, token, action), fields)
        assert response.status_code == 403, action
    assert token_record(context, token).rotated_at is None


@pytest.mark.parametrize("action", ["rotate", "disable", "enable", "self-rotation"])
def test_lifecycle_posts__without_csrf_token__refused(
    admin_web: TestClient, context: AppContext, action: str
) -> None:
    account = make_service_account(context)
    make_sa_token(context, account.id, description="deploy")
    token = token_id(context, "deploy")
    fields = {"grace": "0", "expiry": "same", "allowed": "true"}

    response = post_form(admin_web, _token_path(account.id, token, action), fields, csrf="")

    assert response.status_code == 403
    record = token_record(context, token)
    assert (record.rotated_at, record.disabled_at, record.self_rotation) == (None, None, False)


def test_new_token_form__policy_forbids_never__not_offered(
    admin_web: TestClient, context: AppContext
) -> None:
    account = make_service_account(context)
    set_policy(context, TokenPolicy(max_lifetime_days=45, allow_never_expires=False))

    edit = admin_web.get(_edit(account.id)).text
    new = admin_web.get(f"{BASE}/new").text

    for html in (edit, new):
        assert 'value="never"' not in html
        assert 'value="60d"' not in html
        assert 'value="30d"' in html
        assert "The token lifetime policy allows at most 45 days." in html


def test_new_token__custom_date_past_the_policy__its_message_kept_in_the_form(
    admin_web: TestClient, context: AppContext
) -> None:
    account = make_service_account(context)
    set_policy(context, TokenPolicy(max_lifetime_days=10))
    far = (utcnow() + timedelta(days=20)).strftime("%Y-%m-%dT%H:%M")

    response = post_form(
        admin_web,
        f"{BASE}/{account.id}/tokens",
        {"description": "deploy", "expiry": "custom", "expires_at": far},
    )

    assert_form_error(response, "The token lifetime policy allows at most 10 days")
    assert 'value="deploy"' in response.text
