"""Project pages over HTTP: the list, creating a project, and a project's access (who holds
which project role), with the permission checks and the refusals of bad input."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from httpx2 import Response
from sqlalchemy import func, select

from flagstaff.events.models import Event
from flagstaff.flags.projects.models import Project
from flagstaff.http.context import AppContext
from flagstaff.rbac.predefined import ADMIN_ROLE_ID, MEMBER_ROLE_ID, OWNER_ROLE_ID
from tests.factories import UserHandle, make_user
from tests.web.factories import make_project, make_service_account, project_roles
from tests.web.helpers import (
    assert_form_error,
    assert_shows,
    confirm_then_post,
    post_form,
    web_login,
    web_login_new_user,
)


def _project_ids(context: AppContext) -> list[str]:
    with context.database.session(write=False) as session:
        return list(session.scalars(select(Project.id).order_by(Project.id)))


def _event_count(context: AppContext, type_: str) -> int:
    with context.database.session(write=False) as session:
        return session.scalar(select(func.count()).where(Event.type == type_)) or 0


def _grant(client: TestClient, project: str, account: int | str, role: int | str) -> Response:
    form = {"account": str(account), "role": str(role)}
    return post_form(client, f"/projects/{project}/access", form)


# The list and creating a project


def test_list__name_id_description_and_flag_count(
    admin_web: TestClient, context: AppContext
) -> None:
    make_project(context, "checkout", "Checkout", "The new one-page checkout")
    post_form(admin_web, "/projects/checkout/flags", {"name": "pay-later"})

    html = admin_web.get("/projects").text

    assert_shows(
        html,
        'href="/projects/checkout">Checkout</a>',
        "checkout · The new one-page checkout",
        'href="/projects/default"',
        'href="#new-project"',
    )
    row = html[html.index('href="/projects/checkout"') :].split("</tr>")[0]
    assert "<td>1</td>" in row


def test_create__owner_event_and_listed(admin_web: TestClient, context: AppContext) -> None:
    response = post_form(
        admin_web,
        "/projects",
        {"name": "Checkout", "id": "checkout", "description": "Pay and ship"},
    )

    assert response.status_code == 303
    assert response.headers["location"] == "/projects/checkout"
    assert project_roles(context, "checkout") == {"admin": [OWNER_ROLE_ID]}
    assert _event_count(context, "project-created") == 1
    assert "Checkout was created." in admin_web.get("/projects/checkout").text
    assert 'href="/projects/checkout"' in admin_web.get("/projects").text


def test_create__blank_id__made_from_the_name(admin_web: TestClient, context: AppContext) -> None:
    response = post_form(admin_web, "/projects", {"name": "Mobile App", "id": ""})

    assert response.headers["location"] == "/projects/mobile-app"
    assert "mobile-app" in _project_ids(context)


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"name": "Default again", "id": "default"}, "A project with that id already exists."),
        ({"name": "Spaced", "id": "has space"}, "must be 1 to 100 characters"),
        ({"name": "Slashed", "id": "a/b"}, "must be 1 to 100 characters"),
        ({"name": "", "id": "nameless"}, "This field is required."),
        ({"name": "   ", "id": "blank"}, "This field is required."),
        ({"name": "x" * 256, "id": "long-name"}, "This is too long."),
        ({"name": "Long id", "id": "x" * 101}, "This is too long."),
    ],
)
def test_create__bad_input__error_in_the_form_nothing_written(
    admin_web: TestClient, context: AppContext, form: dict[str, str], message: str
) -> None:
    before = _project_ids(context)

    response = post_form(admin_web, "/projects", form)

    assert_form_error(response, message)
    assert f'value="{form["name"].strip()}"' in response.text  # what was typed is kept
    assert _project_ids(context) == before
    assert _event_count(context, "project-created") == 0


def test_create__viewer__no_form_and_forged_post_forbidden(
    client: TestClient, context: AppContext
) -> None:
    web_login_new_user(client, context, "viewer", "Viewer")

    html = client.get("/projects").text
    response = post_form(client, "/projects", {"name": "Sneaky", "id": "sneaky"}, csrf=None)

    assert "New project" not in html
    assert 'action="/projects"' not in html
    assert response.status_code == 403
    assert "sneaky" not in _project_ids(context)


def test_create__editor__owns_it_and_manages_its_access(
    client: TestClient, context: AppContext, admin: UserHandle
) -> None:
    web_login_new_user(client, context, "ed", "Editor")
    bot = make_service_account(context, username="service-bot")

    created = post_form(client, "/projects", {"name": "Search", "id": "search"})
    granted = _grant(client, "search", bot.id, MEMBER_ROLE_ID)

    assert created.status_code == 303
    assert granted.status_code == 303
    assert project_roles(context, "search") == {
        "ed": [OWNER_ROLE_ID],
        "service-bot": [MEMBER_ROLE_ID],
    }
    assert client.get("/projects/default/access").status_code == 403  # not an owner there


# A project's access


def test_access__grant_change_remove__listed_each_time(
    admin_web: TestClient, context: AppContext
) -> None:
    make_project(context, "checkout", "Checkout")
    bot = make_service_account(context, name="Deploy bot", username="service-deploy")
    ada = make_user(context, username="ada", name="Ada Lovelace")

    granted = _grant(admin_web, "checkout", bot.id, MEMBER_ROLE_ID)
    _grant(admin_web, "checkout", ada.id, OWNER_ROLE_ID)
    listed = admin_web.get("/projects/checkout/access").text

    assert granted.status_code == 303
    assert_shows(listed, "Deploy bot", "Service account", "Ada Lovelace", "Access granted.")
    assert project_roles(context, "checkout") == {
        "service-deploy": [MEMBER_ROLE_ID],
        "ada": [OWNER_ROLE_ID],
    }

    changed = post_form(
        admin_web, f"/projects/checkout/access/{bot.id}", {"role": str(OWNER_ROLE_ID)}
    )

    assert changed.status_code == 303
    assert project_roles(context, "checkout")["service-deploy"] == [OWNER_ROLE_ID]

    confirm, removed = confirm_then_post(admin_web, f"/projects/checkout/access/{bot.id}/remove")

    assert_shows(confirm, "Remove access?", "Deploy bot", "Owner")
    assert removed.status_code == 303
    assert "service-deploy" not in project_roles(context, "checkout")
    assert "Deploy bot no longer has access." in admin_web.get("/projects/checkout/access").text
    assert _event_count(context, "project-access-user-roles-deleted") == 1


@pytest.mark.parametrize(
    ("account", "role", "message"),
    [
        ("", str(MEMBER_ROLE_ID), "Choose a user or service account."),
        ("{bot}", "", "Choose a role."),
        ("{bot}", "owner", "Choose a role."),
        ("{bot}", str(ADMIN_ROLE_ID), "is a root role"),
        ("{bot}", "9999", "Could not find role with id 9999"),
        ("99999", str(MEMBER_ROLE_ID), "Could not find user with id 99999"),
    ],
)
def test_access__grant_bad_input__error_nothing_written(
    admin_web: TestClient, context: AppContext, account: str, role: str, message: str
) -> None:
    make_project(context, "checkout", "Checkout")
    bot = make_service_account(context)

    response = _grant(admin_web, "checkout", account.format(bot=bot.id), role)

    assert_form_error(response, message)
    assert project_roles(context, "checkout") == {}
    assert _event_count(context, "project-access-added") == 0


def test_access__last_owner__cannot_be_removed_or_demoted(
    admin_web: TestClient, context: AppContext, admin: UserHandle
) -> None:
    post_form(admin_web, "/projects", {"name": "Checkout", "id": "checkout"})
    path = f"/projects/checkout/access/{admin.id}"

    demoted = post_form(admin_web, path, {"role": str(MEMBER_ROLE_ID)})
    removed = post_form(admin_web, path + "/remove")

    assert_form_error(demoted, "A project must have at least one owner")
    assert_form_error(removed, "A project must have at least one owner")
    assert project_roles(context, "checkout") == {"admin": [OWNER_ROLE_ID]}


def test_access__not_a_member__remove_page_not_found(
    admin_web: TestClient, context: AppContext
) -> None:
    bot = make_service_account(context)

    assert admin_web.get(f"/projects/default/access/{bot.id}/remove").status_code == 404
    assert admin_web.get("/projects/nowhere/access").status_code == 404
    assert _grant(admin_web, "nowhere", bot.id, MEMBER_ROLE_ID).status_code == 404


@pytest.mark.parametrize("project_role", [None, MEMBER_ROLE_ID], ids=["no-role", "member"])
def test_access__viewer_or_member__hidden_and_forged_posts_forbidden(
    admin_web: TestClient, client: TestClient, context: AppContext, project_role: int | None
) -> None:
    make_project(context, "checkout", "Checkout")
    bot = make_service_account(context)
    person = make_user(context, username="viewer", role="Viewer")
    _grant(admin_web, "checkout", bot.id, MEMBER_ROLE_ID)
    if project_role is not None:
        _grant(admin_web, "checkout", person.id, project_role)
    before = project_roles(context, "checkout")
    post_form(admin_web, "/sign-out")
    web_login(client, "viewer")
    path = f"/projects/checkout/access/{bot.id}"

    project_page = client.get("/projects/checkout").text
    statuses = [
        client.get("/projects/checkout/access").status_code,
        client.get(path + "/remove").status_code,
        _grant(client, "checkout", bot.id, OWNER_ROLE_ID).status_code,
        post_form(client, path, {"role": str(OWNER_ROLE_ID)}).status_code,
        post_form(client, path + "/remove").status_code,
    ]

    assert "/access" not in project_page
    assert statuses == [403] * 5
    assert project_roles(context, "checkout") == before


def test_access__project_member_with_owner_role__sees_and_manages(
    admin_web: TestClient, client: TestClient, context: AppContext
) -> None:
    make_project(context, "checkout", "Checkout")
    owner = make_user(context, username="olivia", role="Viewer")
    _grant(admin_web, "checkout", owner.id, OWNER_ROLE_ID)
    bot = make_service_account(context)
    post_form(admin_web, "/sign-out")
    web_login(client, "olivia")
    project_page = client.get("/projects/checkout").text
    granted = _grant(client, "checkout", bot.id, MEMBER_ROLE_ID)

    assert 'href="/projects/checkout/access"' in project_page
    assert granted.status_code == 303
    assert project_roles(context, "checkout")["service-ci"] == [MEMBER_ROLE_ID]
