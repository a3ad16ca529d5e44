"""A flag page's links, favorite star and lifecycle stage, over HTTP."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from flagstaff.events.models import Event
from flagstaff.flags.favorites.models import FavoriteFeature
from flagstaff.flags.features.models import FeatureLink
from flagstaff.http.context import AppContext
from tests.web.helpers import assert_shows, post_form, web_login_new_user

PAGE = "/projects/default/features/checkout"
LINKS = "/projects/default/links"


def _create_flag(client: TestClient) -> None:
    response = post_form(client, "/projects/default/flags", {"name": "checkout", "type": "release"})
    assert response.status_code == 303, response.text


def _count(context: AppContext, model: type[object]) -> int:
    with context.database.session(write=False) as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def _events(context: AppContext, kind: str) -> list[Event]:
    with context.database.session(write=False) as session:
        return list(session.scalars(select(Event).where(Event.type == kind)))


def _links(context: AppContext) -> list[FeatureLink]:
    with context.database.session(write=False) as session:
        return list(session.scalars(select(FeatureLink)))


def test_flag_page__shows_its_lifecycle_stage(admin_web: TestClient) -> None:
    _create_flag(admin_web)

    assert_shows(admin_web.get(PAGE).text, "Lifecycle", "data-lifecycle>initial<")


def test_links__add_shown_then_remove(admin_web: TestClient, context: AppContext) -> None:
    _create_flag(admin_web)

    added = post_form(
        admin_web, LINKS, {"feature": "checkout", "url": "jira.example.com/FS-1", "title": "Ticket"}
    )

    assert added.status_code == 303, added.text
    assert added.headers["location"] == PAGE
    assert_shows(admin_web.get(PAGE).text, 'href="https://jira.example.com/FS-1"', ">Ticket</a>")
    [link] = _links(context)
    assert [e.data for e in _events(context, "feature-link-added")] == [
        {"url": "https://jira.example.com/FS-1", "title": "Ticket"}
    ]

    removed = post_form(admin_web, f"{LINKS}/remove", {"feature": "checkout", "link": link.id})

    assert removed.status_code == 303, removed.text
    assert _links(context) == []
    assert "jira.example.com" not in admin_web.get(PAGE).text
    assert len(_events(context, "feature-link-removed")) == 1


def test_links__bad_url__400_form_kept_nothing_written(
    admin_web: TestClient, context: AppContext
) -> None:
    _create_flag(admin_web)

    response = post_form(
        admin_web, LINKS, {"feature": "checkout", "url": "ftp://example.com/file", "title": "x"}
    )

    assert response.status_code == 400
    assert_shows(response.text, "Only http and https links are allowed", 'value="x"')
    assert _links(context) == []
    assert _events(context, "feature-link-added") == []


def test_links__viewer__no_form_and_403(
    admin_web: TestClient, client: TestClient, context: AppContext
) -> None:
    _create_flag(admin_web)
    post_form(admin_web, "/sign-out")
    web_login_new_user(client, context, "viewer", "Viewer")

    html = client.get(PAGE).text
    response = post_form(client, LINKS, {"feature": "checkout", "url": "https://example.com"})

    assert "Add link" not in html
    assert response.status_code == 403
    assert _links(context) == []


def test_favorite__star_marks_and_unmarks_for_this_account_only(
    admin_web: TestClient, client: TestClient, context: AppContext
) -> None:
    _create_flag(admin_web)

    marked = post_form(
        admin_web, "/projects/default/favorite", {"feature": "checkout", "favorite": "true"}
    )

    assert marked.status_code == 303, marked.text
    assert 'aria-pressed="true"' in admin_web.get(PAGE).text
    assert _count(context, FavoriteFeature) == 1
    post_form(admin_web, "/sign-out")
    web_login_new_user(client, context, "viewer", "Viewer")
    assert 'aria-pressed="false"' in client.get(PAGE).text  # a viewer may mark its own
    assert (
        post_form(
            client, "/projects/default/favorite", {"feature": "checkout", "favorite": "true"}
        ).status_code
        == 303
    )
    assert _count(context, FavoriteFeature) == 2

    unmarked = post_form(
        client, "/projects/default/favorite", {"feature": "checkout", "favorite": "false"}
    )

    assert unmarked.status_code == 303
    assert _count(context, FavoriteFeature) == 1
    assert len(_events(context, "feature-favorited")) == 2
    assert len(_events(context, "feature-unfavorited")) == 1


def test_favorite__unknown_flag__404_nothing_written(
    admin_web: TestClient, context: AppContext
) -> None:
    response = post_form(
        admin_web, "/projects/default/favorite", {"feature": "nope", "favorite": "true"}
    )

    assert response.status_code == 404
    assert _count(context, FavoriteFeature) == 0
    assert _events(context, "feature-favorited") == []


def test_links_and_favorite__without_csrf__refused(
    admin_web: TestClient, context: AppContext
) -> None:
    _create_flag(admin_web)

    for path, form in (
        (LINKS, {"feature": "checkout", "url": "https://example.com"}),
        ("/projects/default/favorite", {"feature": "checkout", "favorite": "true"}),
    ):
        assert post_form(admin_web, path, form, csrf="").status_code == 403

    assert _links(context) == []
    assert _count(context, FavoriteFeature) == 0
