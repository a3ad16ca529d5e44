"""Flag links: ``/api/admin/projects/{projectId}/features/{featureName}/link[/{linkId}]``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from flagstaff.flags.features.links import MAX_LINKS, new_ulid
from flagstaff.flags.features.models import FeatureLink
from flagstaff.http.context import AppContext
from tests.api.flags.caller_kinds import UNPRIVILEGED, make_kind
from tests.api.flags.support import (
    assert_error,
    create_flag,
    events,
    features_url,
    make_project,
    snapshot,
)


def links_url(feature: str = "f", project: str = "default", link_id: str | None = None) -> str:
    url = features_url(project, feature, "link")
    return f"{url}/{link_id}" if link_id is not None else url


def state(context: AppContext) -> dict[str, Any]:
    """The flag tables, the revision and the links: equal before and after a refused write."""
    with context.database.session(write=False) as session:
        links = [
            (row.id, row.feature_name, row.url, row.title)
            for row in session.scalars(select(FeatureLink).order_by(FeatureLink.id))
        ]
        count = session.execute(select(func.count()).select_from(FeatureLink)).scalar_one()
    return {**snapshot(context), "feature_links": links, "link_count": count}


def listed(client: TestClient, feature: str = "f", project: str = "default") -> list[Any]:
    response = client.get(features_url(project, feature))
    assert response.status_code == 200, response.text
    links: list[Any] = response.json()["links"]
    return links


def add(client: TestClient, feature: str = "f", **body: Any) -> dict[str, Any]:
    """Adds a link and returns it as the flag's body lists it."""
    before = {link["id"] for link in listed(client, feature)}
    response = client.post(links_url(feature), json={"url": "https://example.com", **body})
    assert response.status_code == 204, response.text
    [new] = [link for link in listed(client, feature) if link["id"] not in before]
    return dict(new)


@pytest.fixture
def flag(admin_client: TestClient) -> str:
    create_flag(admin_client, "f")
    return "f"


# Adding


def test_add__204_listed_with_ulid_and_event(
    admin_client: TestClient, context: AppContext, flag: str
) -> None:
    response = admin_client.post(
        links_url(), json={"url": "https://github.com/search?q=f", "title": "Code"}
    )
    assert response.status_code == 204, response.text
    assert response.content == b""
    [link] = listed(admin_client)
    assert link == {
        "id": link["id"],
        "url": "https://github.com/search?q=f",
        "title": "Code",
        "feature": "f",
    }
    assert len(link["id"]) == 26
    assert set(link["id"]) <= set("0123456789ABCDEFGHJKMNPQRSTVWXYZ")
    [event] = events(context, "feature-link-added")
    assert (event.project, event.feature_name, event.pre_data) == ("default", "f", None)
    assert event.data == {"url": "https://github.com/search?q=f", "title": "Code"}
    assert event.created_by == "admin"


def test_add__no_title__null_and_event_without_title(
    admin_client: TestClient, context: AppContext, flag: str
) -> None:
    assert add(admin_client)["title"] is None
    assert add(admin_client, title=None)["title"] is None
    # As Unleash: a title left out is left out of the event; a null one is recorded.
    assert [e.data for e in events(context, "feature-link-added")] == [
        {"url": "https://example.com"},
        {"url": "https://example.com", "title": None},
    ]


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ("example.com/a/b?x=1#top", "https://example.com/a/b?x=1#top"),
        ("//example.com/a", "https://example.com/a"),
        ("HTTP://Example.COM/Path", "http://example.com/Path"),
        ("  https://example.com/x  ", "https://example.com/x"),
        ("localhost:3000/flags", "https://localhost:3000/flags"),
        ("https://[::1]:8080/", "https://[::1]:8080/"),
        ("https://bücher.example/ü", "https://bücher.example/ü"),
    ],
)
def test_add__address__normalized(
    admin_client: TestClient, flag: str, given: str, stored: str
) -> None:
    assert add(admin_client, url=given)["url"] == stored


def test_add__listed_in_the_order_added(admin_client: TestClient, flag: str) -> None:
    urls = [f"https://example.com/{n}" for n in range(5)]
    for url in urls:
        add(admin_client, url=url)
    links = listed(admin_client)
    assert [link["url"] for link in links] == urls
    assert [link["id"] for link in links] == sorted(link["id"] for link in links)


def test_ulid__increases_within_a_millisecond() -> None:
    ids = [new_ulid() for _ in range(1_000)]
    assert ids == sorted(ids)
    assert len(set(ids)) == len(ids)


def test_add__eleventh__403_nothing_written(
    admin_client: TestClient, context: AppContext, flag: str
) -> None:
    for n in range(MAX_LINKS):
        add(admin_client, url=f"https://example.com/{n}")
    before = state(context)
    response = admin_client.post(links_url(), json={"url": "https://example.com/more"})
    body = assert_error(response, 403, "Too many links (10) exist for this feature")
    assert body["name"] == "OperationDeniedError"
    assert state(context) == before


def test_add__limit_is_per_flag(admin_client: TestClient, flag: str) -> None:
    create_flag(admin_client, "g")
    for n in range(MAX_LINKS):
        add(admin_client, url=f"https://example.com/{n}")
    assert add(admin_client, "g")["feature"] == "g"


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"title": "no url"},
        {"url": 5},
        {"url": None},
        {"url": ["https://example.com"]},
        {"url": "https://example.com", "title": 5},
        {"url": "https://example.com", "title": "t" * 256},
        {"url": "https://example.com/" + "a" * 981},  # 1,001 characters
        {"url": "example.com/" + "a" * 981},  # 993 given, 1,001 once "https://" is added
        {"url": ""},
        {"url": "   "},
        {"url": "https://"},
        {"url": "javascript:alert(1)"},
        {"url": "ftp://files.example.com/x"},
        {"url": "mailto:someone@example.com"},
        {"url": "data:text/html,<script>alert(1)</script>"},
        {"url": "https://user:secret@example.com/"},
        {"url": "https://exa mple.com/"},
        {"url": "https://example.com:port/"},
        {"url": "https://example.com/\x00"},
        {"url": "https://example.com/a\nb"},
        {"url": "https://example.com/a\tb"},
    ],
)
def test_add__bad_body__400_nothing_written(
    admin_client: TestClient, context: AppContext, flag: str, body: dict[str, Any]
) -> None:
    before = state(context)
    assert_error(admin_client.post(links_url(), json=body), 400)
    assert state(context) == before


def test_add__longest_values__204(admin_client: TestClient, flag: str) -> None:
    url = "https://example.com/" + "a" * 980
    link = add(admin_client, url=url, title="t" * 255)
    assert (len(link["url"]), len(link["title"])) == (1_000, 255)


@pytest.mark.parametrize("body", [b"[]", b"not json", b'"https://example.com"'])
def test_add__not_an_object__400(
    admin_client: TestClient, context: AppContext, flag: str, body: bytes
) -> None:
    before = state(context)
    response = admin_client.post(
        links_url(), content=body, headers={"Content-Type": "application/json"}
    )
    assert_error(response, 400)
    assert state(context) == before


def test_add__not_json__415(admin_client: TestClient, context: AppContext, flag: str) -> None:
    before = state(context)
    response = admin_client.post(
        links_url(), content=b"url=x", headers={"Content-Type": "text/plain"}
    )
    assert_error(response, 415)
    assert state(context) == before


@pytest.mark.parametrize(
    ("project", "feature"),
    [("nope", "f"), ("default", "nope"), ("other", "f"), ("default", "elsewhere")],
)
def test_add__unknown_project_or_flag__404_nothing_written(
    admin_client: TestClient, context: AppContext, flag: str, project: str, feature: str
) -> None:
    make_project(context, "other")
    create_flag(admin_client, "elsewhere", project="other")
    before = state(context)
    response = admin_client.post(links_url(feature, project), json={"url": "https://x.com"})
    assert_error(response, 404)
    assert state(context) == before


def test_add__archived_flag__404(admin_client: TestClient, context: AppContext, flag: str) -> None:
    assert admin_client.delete(features_url("default", "f")).status_code == 202
    before = state(context)
    assert_error(admin_client.post(links_url(), json={"url": "https://x.com"}), 404)
    assert state(context) == before


# Changing


def test_update__204_changed_and_event(
    admin_client: TestClient, context: AppContext, flag: str
) -> None:
    link = add(admin_client, url="https://old.example.com", title="Old")
    response = admin_client.put(
        links_url(link_id=link["id"]), json={"url": "new.example.com/x", "title": "New"}
    )
    assert response.status_code == 204, response.text
    assert response.content == b""
    assert listed(admin_client) == [
        {"id": link["id"], "url": "https://new.example.com/x", "title": "New", "feature": "f"}
    ]
    [event] = events(context, "feature-link-updated")
    assert (event.project, event.feature_name) == ("default", "f")
    assert event.data == {"url": "https://new.example.com/x", "title": "New"}
    assert event.pre_data == {"url": "https://old.example.com", "title": "Old"}


def test_update__title_left_out__kept_null__cleared(admin_client: TestClient, flag: str) -> None:
    link = add(admin_client, title="Keep me")
    url = links_url(link_id=link["id"])
    assert admin_client.put(url, json={"url": "https://a.example.com"}).status_code == 204
    assert listed(admin_client)[0]["title"] == "Keep me"
    body = {"url": "https://a.example.com", "title": None}
    assert admin_client.put(url, json=body).status_code == 204
    assert listed(admin_client)[0]["title"] is None


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"url": 5},
        {"url": "https://example.com", "title": 5},
        {"url": "https://example.com", "title": "t" * 256},
        {"url": "https://example.com/" + "a" * 981},
        {"url": "javascript:alert(1)"},
        {"url": "https://user:pw@example.com"},
    ],
)
def test_update__bad_body__400_link_unchanged(
    admin_client: TestClient, context: AppContext, flag: str, body: dict[str, Any]
) -> None:
    link = add(admin_client, title="T")
    before = state(context)
    assert_error(admin_client.put(links_url(link_id=link["id"]), json=body), 400)
    assert state(context) == before


@pytest.mark.parametrize(
    ("project", "feature", "link_id"),
    [
        ("default", "f", "01ZZZZZZZZZZZZZZZZZZZZZZZZ"),
        ("default", "f", "not-a-ulid"),
        ("default", "f", "x" * 300),
        ("default", "g", None),  # the link of another flag
        ("default", "nope", None),
        ("nope", "f", None),
    ],
)
def test_update_and_delete__unknown_link_flag_or_project__404_nothing_written(
    admin_client: TestClient,
    context: AppContext,
    flag: str,
    project: str,
    feature: str,
    link_id: str | None,
) -> None:
    create_flag(admin_client, "g")
    link = add(admin_client, "f")
    url = links_url(feature, project, link_id or link["id"])
    before = state(context)
    assert_error(admin_client.put(url, json={"url": "https://changed.example.com"}), 404)
    assert_error(admin_client.delete(url), 404)
    assert state(context) == before


# Removing


def test_delete__204_gone_and_event(
    admin_client: TestClient, context: AppContext, flag: str
) -> None:
    keep = add(admin_client, url="https://keep.example.com")
    gone = add(admin_client, url="https://gone.example.com", title="Gone")
    response = admin_client.delete(links_url(link_id=gone["id"]))
    assert response.status_code == 204, response.text
    assert listed(admin_client) == [keep]
    [event] = events(context, "feature-link-removed")
    assert (event.project, event.feature_name, event.data) == ("default", "f", None)
    assert event.pre_data == {"url": "https://gone.example.com", "title": "Gone"}
    assert_error(admin_client.delete(links_url(link_id=gone["id"])), 404)


def test_links__go_with_the_deleted_flag(
    admin_client: TestClient, context: AppContext, flag: str
) -> None:
    add(admin_client)
    assert admin_client.delete(features_url("default", "f")).status_code == 202
    assert admin_client.delete("/api/admin/archive/f").status_code == 200
    assert state(context)["link_count"] == 0


# Callers


@pytest.mark.parametrize("kind", UNPRIVILEGED)
def test_links__without_update_feature__403_nothing_written(
    kind: str,
    context: AppContext,
    admin_client: TestClient,
    new_client: Callable[[], TestClient],
    flag: str,
) -> None:
    link = add(admin_client)
    caller = make_kind(kind, context, admin_client, new_client)
    before = state(context)
    assert_error(caller.post(links_url(), json={"url": "https://x.com"}), 403)
    assert_error(caller.put(links_url(link_id=link["id"]), json={"url": "https://x.com"}), 403)
    assert_error(caller.delete(links_url(link_id=link["id"])), 403)
    assert state(context) == before


def test_links__viewer__403_names_update_feature(
    context: AppContext,
    admin_client: TestClient,
    new_client: Callable[[], TestClient],
    flag: str,
) -> None:
    viewer = make_kind("viewer", context, admin_client, new_client)
    response = viewer.post(links_url(), json={"url": "https://x.com"})
    assert_error(response, 403, "UPDATE_FEATURE")


@pytest.mark.parametrize(
    ("kind", "recorded_as"),
    [("editor", None), ("service-admin", "sa-admin"), ("admin-token", None)],
)
def test_links__callers_with_update_feature__204_events_name_them(
    kind: str,
    recorded_as: str | None,
    context: AppContext,
    admin_client: TestClient,
    new_client: Callable[[], TestClient],
    flag: str,
) -> None:
    caller = make_kind(kind, context, admin_client, new_client)
    link = add(caller)
    url = links_url(link_id=link["id"])
    assert caller.put(url, json={"url": "https://y.example.com"}).status_code == 204
    assert caller.delete(url).status_code == 204
    recorded = [
        e for e in events(context) if e.type.startswith("feature-link-") and e.feature_name == "f"
    ]
    assert [e.type for e in recorded] == [
        "feature-link-added",
        "feature-link-updated",
        "feature-link-removed",
    ]
    assert len({(e.created_by, e.created_by_user_id) for e in recorded}) == 1
    assert recorded[0].created_by != "admin"
    if recorded_as is not None:
        assert recorded[0].created_by == recorded_as


def test_links__anonymous__401(new_client: Callable[[], TestClient], flag: str) -> None:
    assert_error(new_client().post(links_url(), json={"url": "https://x.com"}), 401)
