"""Managers of a service account on the pages: Admins choose them on the account's edit page; a
manager sees the accounts they look after and all their token actions, never the account's own
controls; anyone else still gets the 403 page."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from flagstaff.http.context import AppContext
from tests.factories import UserHandle, make_user
from tests.web.factories import (
    ServiceAccountHandle,
    make_managers,
    make_sa_token,
    make_service_account,
    token_id,
    token_record,
)
from tests.web.helpers import (
    assert_form_error,
    assert_shows,
    page_csrf,
    post_form,
    web_login,
)

BASE = "/admin/service-accounts"
SECRET = re.compile(r'value="(user:fsa_[0-9A-Za-z]{38})" data-secret')


def _edit(account_id: int) -> str:
    return f"{BASE}/{account_id}/edit"


def _ci(context: AppContext) -> ServiceAccountHandle:
    return make_service_account(context, name="CI pipeline", username="service-ci")


def _other(context: AppContext) -> ServiceAccountHandle:
    return make_service_account(context, name="Billing sync", username="service-billing")


@pytest.fixture
def mia(context: AppContext, admin: UserHandle) -> UserHandle:
    """An Editor, not an Admin."""
    return make_user(context, username="mia", name="Mia Manager", role="Editor")


@pytest.fixture
def manager_web(
    new_client: Callable[[], TestClient], context: AppContext, mia: UserHandle
) -> Callable[[int], TestClient]:
    """``manager_web(account_id)``: Mia, made that account's manager, logged in to the pages."""

    def log_in(account_id: int) -> TestClient:
        make_managers(context, account_id, mia.id)
        return web_login(new_client(), mia.username)

    return log_in


def test_edit__admin__sees_every_person_to_choose_with_managers_ticked(
    admin_web: TestClient, context: AppContext, mia: UserHandle
) -> None:
    account = _ci(context)
    make_user(context, username="sam", name="Sam Other")
    make_managers(context, account.id, mia.id)

    html = admin_web.get(_edit(account.id)).text

    assert_shows(html, "Managers", "Save managers", "Sam Other")
    assert re.search(rf'name="manager" value="{mia.id}" checked>\s*Mia Manager', html)


def test_set_managers__admin__saved_and_recorded(
    admin_web: TestClient, context: AppContext, mia: UserHandle
) -> None:
    account = _ci(context)

    response = post_form(admin_web, f"{BASE}/{account.id}/managers", {"manager": [str(mia.id)]})

    assert response.status_code == 303
    assert response.headers["location"] == f"{_edit(account.id)}#managers"
    events = admin_web.get(
        "/api/admin/search/events", params={"type": "service-account-updated"}
    ).json()["events"]
    assert (events[0]["data"]["managers"], events[0]["preData"]["managers"]) == ([mia.id], [])
    listed = admin_web.get(f"/api/admin/service-account/{account.id}/token")
    assert listed.status_code == 200
    account_json = admin_web.get("/api/admin/service-account").json()["serviceAccounts"][0]
    assert [m["id"] for m in account_json["managers"]] == [mia.id]


def test_set_managers__none_ticked__clears_them(
    admin_web: TestClient, context: AppContext, mia: UserHandle
) -> None:
    account = _ci(context)
    make_managers(context, account.id, mia.id)

    response = post_form(admin_web, f"{BASE}/{account.id}/managers", {})

    assert response.status_code == 303
    html = admin_web.get(_edit(account.id)).text
    assert not re.search(rf'name="manager" value="{mia.id}" checked', html)


def test_set_managers__a_service_account_or_no_id__400_nothing_changed(
    admin_web: TestClient, context: AppContext
) -> None:
    account = _ci(context)
    other = _other(context)
    path = f"{BASE}/{account.id}/managers"

    not_a_person = post_form(admin_web, path, {"manager": [str(other.id)]})
    not_an_id = post_form(admin_web, path, {"manager": ["mia"]})

    assert_form_error(not_a_person, "Managers must be users")
    assert not_an_id.status_code == 400
    assert "Save managers" in not_an_id.text


def test_set_managers__without_csrf__403(
    admin_web: TestClient, context: AppContext, mia: UserHandle
) -> None:
    account = _ci(context)

    response = post_form(
        admin_web, f"{BASE}/{account.id}/managers", {"manager": [str(mia.id)]}, csrf=""
    )

    assert response.status_code == 403
    assert "security token" in response.text
    html = admin_web.get(_edit(account.id)).text
    assert not re.search(rf'name="manager" value="{mia.id}" checked', html)


def test_manager__navigation_shows_service_accounts(
    manager_web: Callable[[int], TestClient], context: AppContext
) -> None:
    web = manager_web(_ci(context).id)

    html = web.get("/flags").text

    assert 'href="/admin/service-accounts"' in html
    assert 'href="/admin/users"' not in html


def test_manager__list__only_the_accounts_they_manage_without_account_controls(
    manager_web: Callable[[int], TestClient], context: AppContext
) -> None:
    account = _ci(context)
    _other(context)
    web = manager_web(account.id)

    response = web.get(BASE)

    assert response.status_code == 200
    assert "CI pipeline" in response.text
    assert "Billing sync" not in response.text
    assert "New service account" not in response.text
    assert f"{BASE}/{account.id}/disable" not in response.text
    assert f"{BASE}/{account.id}/delete" not in response.text


def test_manager__edit__tokens_and_their_actions_but_no_role_or_account_controls(
    manager_web: Callable[[int], TestClient], context: AppContext
) -> None:
    account = _ci(context)
    make_sa_token(context, account.id, description="deploy")
    deploy = token_id(context, "deploy")
    web = manager_web(account.id)

    response = web.get(_edit(account.id))

    assert response.status_code == 200
    assert_shows(
        response.text,
        "You manage this service account",
        "Rotate token deploy",
        "Disable token deploy",
        "Delete token deploy",
        f"{BASE}/{account.id}/tokens/{deploy}/self-rotation",
        "As this service account's manager, tick permissions you hold yourself",
    )
    for admin_only in (
        "Save service account",
        'name="root_role"',
        "Disable service account",
        f"{BASE}/{account.id}/delete",
        "Save managers",
    ):
        assert admin_only not in response.text, admin_only


def test_manager__creates_a_token_within_their_permissions(
    manager_web: Callable[[int], TestClient], context: AppContext
) -> None:
    account = _ci(context)
    web = manager_web(account.id)
    fields = {
        "description": "team",
        "expiry": "30d",
        "scope_access": "chosen",
        "scope_permission": ["UPDATE_FEATURE"],
        "scope_project": ["default"],
    }

    response = post_form(web, f"{BASE}/{account.id}/tokens", fields, csrf=page_csrf(web, "/flags"))

    assert response.status_code == 200, response.text
    assert SECRET.search(response.text)
    record = token_record(context, token_id(context, "team"))
    assert record.scopes == {
        "permissions": ["UPDATE_FEATURE"],
        "projects": ["default"],
        "environments": None,
    }


@pytest.mark.parametrize(
    ("scope", "message"),
    [
        ({"scope_access": "any"}, "As this account&#39;s manager, give the token scopes"),
        (
            {"scope_access": "chosen", "scope_permission": ["UPDATE_CORS"]},
            "You cannot scope a token to UPDATE_CORS",
        ),
    ],
)
def test_manager__unscoped_or_beyond_their_permissions__403_form_kept(
    manager_web: Callable[[int], TestClient],
    context: AppContext,
    scope: dict[str, str | list[str]],
    message: str,
) -> None:
    account = _ci(context)
    web = manager_web(account.id)
    fields = {"description": "too wide", "expiry": "30d", **scope}

    response = post_form(web, f"{BASE}/{account.id}/tokens", fields, csrf=page_csrf(web, "/flags"))

    assert response.status_code == 403
    assert message in response.text
    assert 'value="too wide"' in response.text
    assert token_id(context, "too wide") == 0


def test_manager__rotates_disables_and_deletes_a_token(
    manager_web: Callable[[int], TestClient], context: AppContext
) -> None:
    account = _ci(context)
    make_sa_token(context, account.id, description="deploy")
    old = token_id(context, "deploy")
    web = manager_web(account.id)
    csrf = page_csrf(web, "/flags")
    tokens = f"{BASE}/{account.id}/tokens"

    form = web.get(f"{tokens}/{old}/rotate")
    rotated = post_form(web, f"{tokens}/{old}/rotate", {"grace": "0", "expiry": "same"}, csrf=csrf)
    new = token_id(context, "deploy")
    disabled = post_form(web, f"{tokens}/{new}/disable", csrf=csrf)
    deleted = post_form(web, f"{tokens}/{new}/delete", csrf=csrf)

    assert form.status_code == 200
    assert rotated.status_code == 200
    assert "Token rotated" in rotated.text
    assert new != old
    assert (disabled.status_code, deleted.status_code) == (303, 303)
    assert token_record(context, new).revoked_at is not None


@pytest.mark.parametrize(
    ("path", "fields"),
    [
        ("edit", {"name": "Renamed", "root_role": "1"}),
        ("disable", {}),
        ("delete", {}),
        ("managers", {"manager": []}),
    ],
)
def test_manager__admin_only_posts__403(
    manager_web: Callable[[int], TestClient],
    context: AppContext,
    path: str,
    fields: dict[str, str | list[str]],
) -> None:
    account = _ci(context)
    web = manager_web(account.id)

    response = post_form(web, f"{BASE}/{account.id}/{path}", fields, csrf=page_csrf(web, "/flags"))

    assert response.status_code == 403
    assert "You don&#39;t have access" in response.text


def test_manager__admin_only_pages__403(
    manager_web: Callable[[int], TestClient], context: AppContext
) -> None:
    account = _ci(context)
    web = manager_web(account.id)

    for path in (f"{BASE}/new", f"{BASE}/{account.id}/delete", "/admin/tokens", "/admin/users"):
        assert web.get(path).status_code == 403, path


def test_manager__another_account__403(
    manager_web: Callable[[int], TestClient], context: AppContext
) -> None:
    account = _ci(context)
    other = _other(context)
    make_sa_token(context, other.id, description="billing")
    billing = token_id(context, "billing")
    web = manager_web(account.id)
    csrf = page_csrf(web, "/flags")

    page = web.get(_edit(other.id))
    rotate = web.get(f"{BASE}/{other.id}/tokens/{billing}/rotate")
    delete = post_form(web, f"{BASE}/{other.id}/tokens/{billing}/delete", csrf=csrf)

    assert (page.status_code, rotate.status_code, delete.status_code) == (403, 403, 403)
    assert "Billing sync" not in page.text
    assert token_record(context, billing).revoked_at is None


def test_manager__token_post_without_csrf__403(
    manager_web: Callable[[int], TestClient], context: AppContext
) -> None:
    account = _ci(context)
    make_sa_token(context, account.id, description="deploy")
    deploy = token_id(context, "deploy")
    web = manager_web(account.id)

    response = post_form(web, f"{BASE}/{account.id}/tokens/{deploy}/disable", csrf="")

    assert response.status_code == 403
    assert token_record(context, deploy).disabled_at is None


@pytest.mark.parametrize("role", ["Viewer", "Editor"])
def test_not_a_manager__service_account_pages__403(
    client: TestClient, context: AppContext, admin: UserHandle, role: str
) -> None:
    account = _ci(context)
    make_user(context, username="nora", role=role)
    web = web_login(client, "nora")
    csrf = page_csrf(web, "/flags")

    listed = web.get(BASE)
    edit = web.get(_edit(account.id))
    create = post_form(
        web, f"{BASE}/{account.id}/tokens", {"description": "x", "expiry": "7d"}, csrf=csrf
    )

    assert (listed.status_code, edit.status_code, create.status_code) == (403, 403, 403)
    assert 'href="/admin/service-accounts"' not in web.get("/flags").text
    assert token_id(context, "x") == 0
