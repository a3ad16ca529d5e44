"""Limiting a token on the new-token forms (a service account's, the new service account's first
one, a personal one), and how token tables show what a token may do and where it was used from."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from flagstaff.http.context import AppContext
from tests.factories import UserHandle
from tests.web.factories import (
    make_pat,
    make_sa_token,
    make_service_account,
    record_addresses,
    token_id,
    token_record,
)
from tests.web.helpers import assert_form_error, assert_shows, post_form, web_login_new_user

SECRET = re.compile(r'value="(user:fsa_[0-9A-Za-z]{38})" data-secret')
BASE = "/admin/service-accounts"
RELEASE_BOT = {
    "description": "release bot",
    "expiry": "30d",
    "scope_access": "chosen",
    "scope_permission": ["UPDATE_FEATURE_ENVIRONMENT", "UPDATE_FEATURE"],
    "scope_project": ["default"],
    "scope_environment": ["production"],
}


def _secret(html: str) -> str:
    match = SECRET.search(html)
    assert match is not None, "no secret shown"
    return match.group(1)


def _tokens_path(account_id: int) -> str:
    return f"{BASE}/{account_id}/tokens"


def test_edit__new_token_form__offers_the_scope_choices(
    admin_web: TestClient, context: AppContext
) -> None:
    account = make_service_account(context)

    html = admin_web.get(f"{BASE}/{account.id}/edit").text

    assert_shows(
        html,
        "Limit this token",
        "Only read: every change is refused",
        "Root permissions",
        "Project permissions",
        "Environment permissions",
        'value="UPDATE_FEATURE_ENVIRONMENT"',
        "Enable/disable flags",
        'name="scope_project" value="default"',
        'name="scope_environment" value="production"',
    )


def test_create_token__permissions_project_environment__stored_and_shown(
    admin_web: TestClient, context: AppContext
) -> None:
    account = make_service_account(context)

    response = post_form(admin_web, _tokens_path(account.id), RELEASE_BOT)

    assert response.status_code == 200, response.text
    secret = _secret(response.text)
    record = token_record(context, token_id(context, "release bot"))
    assert record.scopes == {
        "permissions": ["UPDATE_FEATURE", "UPDATE_FEATURE_ENVIRONMENT"],
        "projects": ["default"],
        "environments": ["production"],
    }
    # Limited to a project: instance-wide actions are refused, reads still work.
    project = {"id": "elsewhere", "name": "Elsewhere"}
    made = admin_web.post("/api/admin/projects", json=project, headers={"Authorization": secret})
    assert made.status_code == 403
    page = admin_web.get(f"{BASE}/{account.id}/edit").text
    assert_shows(page, "2 permissions · default · production", "Enable/disable flags")


def test_create_token__nothing_limited__unscoped(
    admin_web: TestClient, context: AppContext
) -> None:
    account = make_service_account(context)

    response = post_form(
        admin_web,
        _tokens_path(account.id),
        {"description": "wide", "expiry": "30d", "scope_access": "any"},
    )

    assert response.status_code == 200, response.text
    assert token_record(context, token_id(context, "wide")).scopes is None
    assert "As its account" in admin_web.get(f"{BASE}/{account.id}/edit").text


def test_create_token__unknown_environment__form_kept_with_400(
    admin_web: TestClient, context: AppContext
) -> None:
    account = make_service_account(context)
    fields = RELEASE_BOT | {"scope_environment": ["nowhere"]}

    response = post_form(admin_web, _tokens_path(account.id), fields)

    assert_form_error(response, "unknown environments: nowhere")
    assert 'value="release bot"' in response.text
    assert re.search(r'value="UPDATE_FEATURE"\s+checked', response.text)
    assert token_id(context, "release bot") == 0


def test_create_token__unknown_permission__400_naming_it(
    admin_web: TestClient, context: AppContext
) -> None:
    account = make_service_account(context)
    fields = RELEASE_BOT | {"scope_permission": ["FLY_TO_THE_MOON"]}

    response = post_form(admin_web, _tokens_path(account.id), fields)

    assert_form_error(response, "unknown permissions: FLY_TO_THE_MOON")
    assert token_id(context, "release bot") == 0


def test_create_token__ticks_without_chosen_permissions__400(
    admin_web: TestClient, context: AppContext
) -> None:
    account = make_service_account(context)

    ticked = post_form(admin_web, _tokens_path(account.id), RELEASE_BOT | {"scope_access": "any"})
    none_ticked = post_form(
        admin_web, _tokens_path(account.id), RELEASE_BOT | {"scope_permission": []}
    )

    assert_form_error(ticked, "Ticked permissions limit the token only with")
    assert_form_error(none_ticked, "Tick at least one permission the token may use.")
    assert token_id(context, "release bot") == 0


def test_pat__read_only__stored_shown_and_refuses_writes(
    client: TestClient, context: AppContext
) -> None:
    web = web_login_new_user(client, context, "ed", "Editor")

    response = post_form(
        web, "/profile/tokens", {"description": "reader", "expiry": "7d", "scope_access": "read"}
    )

    assert response.status_code == 200, response.text
    secret = re.search(r'value="(user:[^"]+)" data-secret', response.text)
    assert secret is not None
    record = token_record(context, token_id(context, "reader"))
    assert record.scopes == {"permissions": "read", "projects": None, "environments": None}
    auth = {"Authorization": secret.group(1)}
    assert web.get("/api/admin/user", headers=auth).status_code == 200
    flag = web.post("/api/admin/projects/default/features", json={"name": "x"}, headers=auth)
    assert flag.status_code == 403
    assert "read only" in web.get("/profile").text


def test_pat__permission_beyond_your_own__403_form_kept(
    client: TestClient, context: AppContext
) -> None:
    web = web_login_new_user(client, context, "ed", "Editor")
    fields = {
        "description": "cors",
        "expiry": "7d",
        "scope_access": "chosen",
        "scope_permission": ["UPDATE_CORS"],
    }

    response = post_form(web, "/profile/tokens", fields)

    assert response.status_code == 403, response.text
    assert "You cannot scope a token to UPDATE_CORS" in response.text
    assert 'value="cors"' in response.text
    assert token_id(context, "cors") == 0


def test_new_service_account__first_token_scoped(
    admin_web: TestClient, context: AppContext
) -> None:
    fields = {
        "name": "Reporter",
        "username": "service-reporter",
        "root_role": "3",
        "generate": "now",
        "description": "nightly report",
        "expiry": "30d",
        "scope_access": "read",
        "scope_project": ["default"],
    }

    response = post_form(admin_web, f"{BASE}/new", fields)

    assert response.status_code == 200, response.text
    _secret(response.text)
    record = token_record(context, token_id(context, "nightly report"))
    assert record.scopes == {"permissions": "read", "projects": ["default"], "environments": None}
    assert "read only · default" in response.text


def test_new_service_account__bad_scope__nothing_made(
    admin_web: TestClient, context: AppContext
) -> None:
    fields = {
        "name": "Reporter",
        "username": "service-reporter",
        "root_role": "3",
        "generate": "now",
        "description": "nightly report",
        "expiry": "30d",
        "scope_access": "read",
        "scope_project": ["no-such-project"],
    }

    response = post_form(admin_web, f"{BASE}/new", fields)

    assert_form_error(response, "unknown projects: no-such-project")
    assert 'value="service-reporter"' in response.text
    assert "service-reporter" not in admin_web.get(BASE).text


def test_token_table__client_addresses__newest_with_the_others_in_a_tooltip(
    admin_web: TestClient, context: AppContext
) -> None:
    account = make_service_account(context)
    make_sa_token(context, account.id, description="deploy")
    deploy = token_id(context, "deploy")
    record_addresses(context, deploy, "203.0.113.9", "198.51.100.7", "192.0.2.1")

    page = admin_web.get(f"{BASE}/{account.id}/edit").text
    inventory = admin_web.get("/admin/tokens").text

    for html in (page, inventory):
        cell = re.search(r"data-token-addresses>(.*?)</div>", html, re.S)
        assert cell is not None
        shown = cell.group(1)
        assert shown.index("203.0.113.9") < shown.index("198.51.100.7")
        assert_shows(shown, "+2", "192.0.2.1")


def test_profile__token_used_from_one_address__shown(
    admin_web: TestClient, context: AppContext, admin: UserHandle
) -> None:
    make_pat(context, admin.id, description="laptop")
    record_addresses(context, token_id(context, "laptop"), "192.0.2.44")

    html = admin_web.get("/profile").text

    assert re.search(r"data-token-addresses>from\s*<span[^>]*>192\.0\.2\.44<", html)


def test_inventory__scoped_token__summary_with_details(
    admin_web: TestClient, context: AppContext
) -> None:
    account = make_service_account(context)
    post_form(admin_web, _tokens_path(account.id), RELEASE_BOT)

    html = admin_web.get("/admin/tokens").text

    assert_shows(
        html,
        "2 permissions · default · production",
        "<strong>Permissions:</strong> Enable/disable flags, Update feature flags",
        "<strong>Projects:</strong> default",
        "<strong>Environments:</strong> production",
    )
