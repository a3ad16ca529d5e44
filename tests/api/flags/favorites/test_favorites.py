"""Favorite projects and flags: marking, events, who may mark, and where the marks show."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from flagstaff.flags.favorites.models import FavoriteFeature, FavoriteProject
from flagstaff.http.context import AppContext
from tests.api.flags.caller_kinds import make_kind
from tests.api.flags.support import (
    assert_error,
    create_flag,
    events,
    features_url,
    make_caller,
    make_project,
    snapshot,
)

PROJECT_FAV = "/api/admin/projects/{project}/favorites"
SEARCH = "/api/admin/search/features"
FAVORITE_EVENTS = (
    "project-favorited",
    "project-unfavorited",
    "feature-favorited",
    "feature-unfavorited",
)


def flag_fav(feature: str, project: str = "default") -> str:
    return features_url(project, feature, "favorites")


def marks(context: AppContext) -> tuple[set[tuple[str, int]], set[tuple[str, int]]]:
    """(project, user) and (flag, user) marks."""
    with context.database.session(write=False) as session:
        projects = {(r.project, r.user_id) for r in session.scalars(select(FavoriteProject))}
        flags = {(r.feature_name, r.user_id) for r in session.scalars(select(FavoriteFeature))}
        return projects, flags


def state(context: AppContext) -> dict[str, Any]:
    """Everything a refused favorite request must leave as it was."""
    with context.database.session(write=False) as session:
        counts = {
            table.__tablename__: session.execute(
                select(func.count()).select_from(table)
            ).scalar_one()
            for table in (FavoriteProject, FavoriteFeature)
        }
    return {**snapshot(context), **counts}


def search(client: TestClient, params: str = "") -> list[tuple[str, bool]]:
    response = client.get(f"{SEARCH}?{params}")
    assert response.status_code == 200, response.text
    return [(f["name"], f["favorite"]) for f in response.json()["features"]]


def project_marks(client: TestClient) -> dict[str, bool]:
    response = client.get("/api/admin/projects")
    assert response.status_code == 200, response.text
    return {p["id"]: p["favorite"] for p in response.json()["projects"]}


@pytest.fixture
def flag(admin_client: TestClient) -> str:
    create_flag(admin_client, "fav-flag")
    return "fav-flag"


# Projects


def test_favorite_project__200_empty_listed_and_event(
    admin_client: TestClient, admin: Any, context: AppContext
) -> None:
    response = admin_client.post(PROJECT_FAV.format(project="default"))
    assert response.status_code == 200, response.text
    assert response.content == b""
    assert marks(context)[0] == {("default", admin.id)}
    assert project_marks(admin_client) == {"default": True}
    one = admin_client.get("/api/admin/projects/default").json()
    assert one["favorite"] is True
    [event] = events(context, "project-favorited")
    assert (event.data, event.project, event.feature_name) == (
        {"project": "default"},
        "default",
        None,
    )
    assert (event.created_by, event.created_by_user_id) == (admin.username, admin.id)


@pytest.mark.parametrize("page", ["overview", "health-report"])
def test_favorite_project__shown_on_its_overview_pages(
    admin_client: TestClient, user_client: Callable[..., TestClient], page: str
) -> None:
    url = f"/api/admin/projects/default/{page}"
    viewer = user_client()
    assert admin_client.get(url).json()["favorite"] is False

    admin_client.post(PROJECT_FAV.format(project="default"))

    assert admin_client.get(url).json()["favorite"] is True
    assert viewer.get(url).json()["favorite"] is False  # marks are per account


def test_favorite_project__twice__one_mark_event_each_time(
    admin_client: TestClient, admin: Any, context: AppContext
) -> None:
    """Idempotent as Unleash, which also records every call."""
    for _ in range(2):
        assert admin_client.post(PROJECT_FAV.format(project="default")).status_code == 200
    assert marks(context)[0] == {("default", admin.id)}
    assert len(events(context, "project-favorited")) == 2


def test_unfavorite_project__200_unmarked_and_event_even_when_not_marked(
    admin_client: TestClient, context: AppContext
) -> None:
    url = PROJECT_FAV.format(project="default")
    admin_client.post(url)
    for _ in range(2):
        response = admin_client.delete(url)
        assert response.status_code == 200, response.text
        assert response.content == b""
    assert marks(context)[0] == set()
    assert project_marks(admin_client) == {"default": False}
    assert [e.data for e in events(context, "project-unfavorited")] == [{"project": "default"}] * 2


def test_favorite_project__per_account(
    admin_client: TestClient, context: AppContext, new_client: Callable[[], TestClient]
) -> None:
    make_project(context, "other")
    viewer = make_caller(context, new_client, "Viewer")
    assert viewer.client.post(PROJECT_FAV.format(project="other")).status_code == 200
    assert project_marks(viewer.client) == {"default": False, "other": True}
    assert project_marks(admin_client) == {"default": False, "other": False}


@pytest.mark.parametrize("method", ["post", "delete"])
def test_favorite_project__unknown_project__404_nothing_written(
    admin_client: TestClient, context: AppContext, method: str
) -> None:
    before = state(context)
    response = getattr(admin_client, method)(PROJECT_FAV.format(project="nope"))
    assert_error(response, 404, "nope")
    assert state(context) == before


@pytest.mark.parametrize(
    ("project", "status"),
    [("p" * 101, 400), ("a%00b", 400)],
    ids=["oversized", "nul"],
)
def test_favorite_project__bad_id__400_nothing_written(
    admin_client: TestClient, context: AppContext, project: str, status: int
) -> None:
    before = state(context)
    assert_error(admin_client.post(PROJECT_FAV.format(project=project)), status)
    assert state(context) == before


# Flags


def test_favorite_flag__200_empty_shown_in_search_and_event(
    admin_client: TestClient, admin: Any, context: AppContext, flag: str
) -> None:
    response = admin_client.post(flag_fav(flag))
    assert response.status_code == 200, response.text
    assert response.content == b""
    assert marks(context)[1] == {(flag, admin.id)}
    assert search(admin_client) == [(flag, True)]
    [event] = events(context, "feature-favorited")
    # As Unleash: the flag is named, the project is not.
    assert (event.data, event.feature_name, event.project) == ({"feature": flag}, flag, None)
    assert (event.created_by, event.created_by_user_id) == (admin.username, admin.id)


def test_favorite_flag__twice__one_mark_event_each_time(
    admin_client: TestClient, context: AppContext, flag: str
) -> None:
    for _ in range(2):
        assert admin_client.post(flag_fav(flag)).status_code == 200
    assert len(marks(context)[1]) == 1
    assert len(events(context, "feature-favorited")) == 2


def test_unfavorite_flag__200_unmarked_and_event(
    admin_client: TestClient, context: AppContext, flag: str
) -> None:
    admin_client.post(flag_fav(flag))
    for _ in range(2):
        assert admin_client.delete(flag_fav(flag)).status_code == 200
    assert marks(context)[1] == set()
    assert search(admin_client) == [(flag, False)]
    assert [e.data for e in events(context, "feature-unfavorited")] == [{"feature": flag}] * 2


def test_favorite_flag__archived__may_be_marked_and_unmarked(
    admin_client: TestClient, context: AppContext, flag: str
) -> None:
    assert admin_client.delete(features_url("default", flag)).status_code == 202
    assert admin_client.post(flag_fav(flag)).status_code == 200
    assert search(admin_client, "archived=IS:true") == [(flag, True)]
    assert admin_client.delete(flag_fav(flag)).status_code == 200
    assert marks(context)[1] == set()


@pytest.mark.parametrize("method", ["post", "delete"])
@pytest.mark.parametrize(
    ("project", "feature", "fragment"),
    [
        ("default", "nope", "nope"),
        ("other", "fav-flag", "other"),  # the flag is in another project
        ("missing", "fav-flag", "missing"),
        ("default", "n" * 5_000, "n" * 50),
    ],
    ids=["unknown-flag", "flag-elsewhere", "unknown-project", "oversized-name"],
)
def test_favorite_flag__unknown__404_nothing_written(
    admin_client: TestClient,
    context: AppContext,
    flag: str,
    method: str,
    project: str,
    feature: str,
    fragment: str,
) -> None:
    make_project(context, "other")
    before = state(context)
    response = getattr(admin_client, method)(flag_fav(feature, project))
    assert_error(response, 404, fragment)
    assert state(context) == before


def test_favorite_flag__deleted_flag_takes_its_marks(
    admin_client: TestClient, context: AppContext, flag: str
) -> None:
    admin_client.post(flag_fav(flag))
    assert admin_client.delete(features_url("default", flag)).status_code == 202
    assert admin_client.delete(f"/api/admin/archive/{flag}").status_code == 200
    assert marks(context)[1] == set()


# Callers


@pytest.mark.parametrize("kind", ["admin", "editor", "viewer", "service-viewer", "service-admin"])
def test_favorites__any_account__200_and_event_names_it(
    admin_client: TestClient,
    context: AppContext,
    new_client: Callable[[], TestClient],
    flag: str,
    kind: str,
) -> None:
    caller = make_kind(kind, context, admin_client, new_client)
    for url in (PROJECT_FAV.format(project="default"), flag_fav(flag)):
        assert caller.post(url).status_code == 200
    assert project_marks(caller) == {"default": True}
    assert search(caller) == [(flag, True)]
    created_by = {e.created_by for e in events(context) if e.type in FAVORITE_EVENTS}
    assert len(created_by) == 1
    if kind.startswith("service-"):
        assert created_by == {f"sa-{kind.removeprefix('service-')}"}
    for url in (PROJECT_FAV.format(project="default"), flag_fav(flag)):
        assert caller.delete(url).status_code == 200
    assert marks(context) == (set(), set())


@pytest.mark.parametrize(
    ("kind", "fragment"),
    [("client-token", ""), ("frontend-token", ""), ("admin-token", "API token")],
)
@pytest.mark.parametrize("method", ["post", "delete"])
def test_favorites__no_account__403_nothing_written(
    admin_client: TestClient,
    context: AppContext,
    new_client: Callable[[], TestClient],
    flag: str,
    kind: str,
    fragment: str,
    method: str,
) -> None:
    """SDK tokens are the wrong kind; an admin token has no account to keep marks for."""
    caller = make_kind(kind, context, admin_client, new_client)
    before = state(context)
    for url in (PROJECT_FAV.format(project="default"), flag_fav(flag)):
        assert_error(getattr(caller, method)(url), 403, fragment)
    assert state(context) == before


def test_favorites__admin_token__lists_show_none(
    admin_client: TestClient, context: AppContext, new_client: Callable[[], TestClient], flag: str
) -> None:
    admin_client.post(PROJECT_FAV.format(project="default"))
    admin_client.post(flag_fav(flag))
    token = make_kind("admin-token", context, admin_client, new_client)
    assert project_marks(token) == {"default": False}
    assert search(token) == [(flag, False)]
    assert search(token, "favorite=IS:true") == []
    assert search(token, "favoritesFirst=true") == [(flag, False)]


def test_favorites__unauthenticated__401(new_client: Callable[[], TestClient], flag: str) -> None:
    anonymous = new_client()
    assert_error(anonymous.post(PROJECT_FAV.format(project="default")), 401)
    assert_error(anonymous.post(flag_fav(flag)), 401)


# Search


@pytest.fixture
def three_flags(admin_client: TestClient) -> list[str]:
    names = ["a-flag", "b-flag", "c-flag"]
    for name in names:
        create_flag(admin_client, name)
    return names


def test_search__favorite_filter(
    admin_client: TestClient,
    context: AppContext,
    new_client: Callable[[], TestClient],
    three_flags: list[str],
) -> None:
    admin_client.post(flag_fav("b-flag"))
    viewer = make_caller(context, new_client, "Viewer")
    viewer.client.post(flag_fav("c-flag"))
    assert search(admin_client, "favorite=IS:true") == [("b-flag", True)]
    assert search(admin_client, "favorite=IS:false") == [("a-flag", False), ("c-flag", False)]
    assert [n for n, _ in search(admin_client, "favorite=IS_ANY_OF:true,false")] == three_flags
    assert search(viewer.client, "favorite=IS:true") == [("c-flag", True)]


@pytest.mark.parametrize("value", ["IS_NOT:true", "IS:maybe", "true"])
def test_search__bad_favorite_filter__400(admin_client: TestClient, value: str) -> None:
    assert_error(admin_client.get(f"{SEARCH}?favorite={value}"), 400, "favorite")


def test_search__favorites_first__before_the_chosen_order(
    admin_client: TestClient, three_flags: list[str]
) -> None:
    admin_client.post(flag_fav("b-flag"))
    ordered = "sortBy=name&sortOrder=desc"
    assert [n for n, _ in search(admin_client, ordered)] == ["c-flag", "b-flag", "a-flag"]
    assert search(admin_client, f"{ordered}&favoritesFirst=true") == [
        ("b-flag", True),
        ("c-flag", False),
        ("a-flag", False),
    ]
    # As Unleash: any other value leaves the order alone.
    for value in ("false", "maybe"):
        names = [n for n, _ in search(admin_client, f"{ordered}&favoritesFirst={value}")]
        assert names == ["c-flag", "b-flag", "a-flag"]


def test_search__favorites_first__pages_and_total(
    admin_client: TestClient, three_flags: list[str]
) -> None:
    admin_client.post(flag_fav("c-flag"))
    response = admin_client.get(f"{SEARCH}?favoritesFirst=true&limit=2&offset=0")
    body = response.json()
    assert body["total"] == 3
    assert [f["name"] for f in body["features"]] == ["c-flag", "a-flag"]
    second = admin_client.get(f"{SEARCH}?favoritesFirst=true&limit=2&offset=2").json()
    assert [f["name"] for f in second["features"]] == ["b-flag"]
