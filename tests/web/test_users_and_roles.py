"""User and role pages over HTTP."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient
from sqlalchemy import select

from flagstaff.accounts.models import Account
from flagstaff.events.service import SYSTEM
from flagstaff.http.context import AppContext
from flagstaff.roles.service import PermissionRef, RoleService
from tests.factories import PASSWORD, UserHandle, make_user
from tests.web.factories import admin_principal, make_service_account
from tests.web.helpers import (
    assert_form_error,
    assert_shows,
    confirm_then_post,
    post_form,
    web_login,
)

NEW_PASSWORD = "Brand-New-Pa55!"


def _user(context: AppContext, username: str) -> Account | None:
    with context.database.session(write=False) as session:
        return session.scalars(select(Account).where(Account.username == username)).first()


def _custom_root_role(context: AppContext, name: str = "Auditor") -> int:
    with context.database.transaction() as session:
        role = RoleService(session).create(
            SYSTEM,
            admin_principal(session, context),
            name,
            "Reads logs",
            "root-custom",
            [PermissionRef(name="READ_LOGS")],
        )
        return role.id


def test_users__list__shows_people_not_service_accounts(
    admin_web: TestClient, context: AppContext
) -> None:
    make_user(context, username="ada", name="Ada Lovelace", role="Editor")
    make_service_account(context, username="service-bot")

    html = admin_web.get("/admin/users").text

    assert "Ada Lovelace" in html
    assert "service-bot" not in html


def test_users__create__can_log_in(
    admin_web: TestClient, context: AppContext, new_client: Callable[[], TestClient]
) -> None:
    response = post_form(
        admin_web,
        "/admin/users/new",
        {"username": "grace", "name": "Grace", "password": PASSWORD, "root_role": "2"},
    )

    assert response.status_code == 303
    created = _user(context, "grace")
    assert created is not None
    assert created.root_role_id == 2
    assert web_login(new_client(), "grace").get("/profile").status_code == 200


def test_users__create__weak_password__rules_in_the_form(
    admin_web: TestClient, context: AppContext
) -> None:
    response = post_form(
        admin_web,
        "/admin/users/new",
        {"username": "grace", "password": "short", "root_role": "2"},
    )

    assert_form_error(response, "at least 10 characters")
    assert _user(context, "grace") is None


def test_users__create__taken_username__error(admin_web: TestClient) -> None:
    response = post_form(
        admin_web,
        "/admin/users/new",
        {"username": "admin", "password": PASSWORD, "root_role": "2"},
    )

    assert_form_error(response, "already exists")


def test_users__edit_role__saved(admin_web: TestClient, context: AppContext) -> None:
    person = make_user(context, username="ada", role="Viewer")

    response = post_form(
        admin_web,
        f"/admin/users/{person.id}/edit",
        {"name": "Ada", "email": "ada@example.com", "root_role": "2"},
    )

    assert response.status_code == 303
    saved = _user(context, "ada")
    assert saved is not None
    assert (saved.name, saved.email, saved.root_role_id) == ("Ada", "ada@example.com", 2)


def test_users__last_admin_demoted__refused(admin_web: TestClient, admin: UserHandle) -> None:
    response = post_form(
        admin_web, f"/admin/users/{admin.id}/edit", {"name": "Admin", "root_role": "3"}
    )

    assert_form_error(response, "last admin")


def test_users__reset_password__old_one_stops_working(
    admin_web: TestClient, context: AppContext, new_client: Callable[[], TestClient]
) -> None:
    person = make_user(context, username="ada", role="Viewer")
    session_before = web_login(new_client(), "ada")

    response = post_form(
        admin_web,
        f"/admin/users/{person.id}/password",
        {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    )

    assert response.status_code == 303
    assert session_before.get("/profile", follow_redirects=False).status_code == 303
    web_login(new_client(), "ada", NEW_PASSWORD)


def test_users__reset_password__mismatch__error(admin_web: TestClient, context: AppContext) -> None:
    person = make_user(context, username="ada")

    response = post_form(
        admin_web,
        f"/admin/users/{person.id}/password",
        {"password": NEW_PASSWORD, "confirm": "different"},
    )

    assert_form_error(response, "The two passwords differ.")


def test_users__delete__confirm_then_gone(admin_web: TestClient, context: AppContext) -> None:
    person = make_user(context, username="ada", name="Ada")

    confirm, response = confirm_then_post(admin_web, f"/admin/users/{person.id}/delete")

    assert "<title>Delete user? · Flagstaff</title>" in confirm  # the heading is the title
    assert '<h1 id="confirm-title">Delete user?</h1>' in confirm
    assert "personal access tokens stop working" in confirm
    assert response.status_code == 303
    assert _user(context, "ada") is None


def test_users__delete_yourself__refused(admin_web: TestClient, admin: UserHandle) -> None:
    response = post_form(admin_web, f"/admin/users/{admin.id}/delete")

    assert_form_error(response, "You cannot delete yourself.")


def test_roles__list__built_in_and_custom(admin_web: TestClient, context: AppContext) -> None:
    _custom_root_role(context)

    html = admin_web.get("/admin/users/roles").text

    for name in ("Admin", "Editor", "Viewer", "Owner", "Member", "Auditor"):
        assert name in html
    assert "Built in" in html


def test_roles__delete_in_use__refused_with_who_holds_it(
    admin_web: TestClient, context: AppContext
) -> None:
    role_id = _custom_root_role(context)
    make_user(context, username="ada", name="Ada Auditor", role=role_id)
    make_service_account(context, username="service-audit", name="Audit bot", role=role_id)

    confirm = admin_web.get(f"/admin/users/roles/{role_id}/delete").text
    response = post_form(admin_web, f"/admin/users/roles/{role_id}/delete")

    assert_shows(
        confirm,
        "Auditor is in use",
        "Users (1)",
        "Ada Auditor",
        "Service accounts (1)",
        "service-audit",
        "Groups (0)",
        'type="submit" disabled',
    )
    assert response.status_code == 400
    assert "is in use" in response.text


def test_roles__delete_unused__gone(admin_web: TestClient, context: AppContext) -> None:
    role_id = _custom_root_role(context)

    response = post_form(admin_web, f"/admin/users/roles/{role_id}/delete")

    assert response.status_code == 303
    assert '<span class="row-title">Auditor</span>' not in admin_web.get("/admin/users/roles").text


def test_roles__built_in__cannot_be_deleted(admin_web: TestClient) -> None:
    confirm = admin_web.get("/admin/users/roles/2/delete").text
    response = post_form(admin_web, "/admin/users/roles/2/delete")

    assert "built-in role" in confirm
    assert response.status_code == 400
