"""Tags on flags and tag types."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from flagstaff.context import AppContext
from tests.api.flags.support import assert_error, create_flag, events, make_caller, snapshot

TAGS = "/api/admin/features/{name}/tags"


@pytest.fixture
def flag(admin_client: TestClient) -> str:
    create_flag(admin_client, "f")
    return "f"


def test_add_tag__201_listed_and_event(
    admin_client: TestClient, context: AppContext, flag: str
) -> None:
    url = TAGS.format(name=flag)
    response = admin_client.post(url, json={"type": "simple", "value": "team-a"})
    assert response.status_code == 201, response.text
    assert response.json() == {"type": "simple", "value": "team-a"}
    assert admin_client.get(url).json() == {
        "version": 1,
        "tags": [{"type": "simple", "value": "team-a"}],
    }
    [event] = events(context, "feature-tagged")
    assert (event.feature_name, event.project, event.tags) == (
        "f",
        "default",
        [{"type": "simple", "value": "team-a"}],
    )


def test_update_tags__add_and_remove(admin_client: TestClient, flag: str) -> None:
    url = TAGS.format(name=flag)
    admin_client.post(url, json={"type": "simple", "value": "old"})
    response = admin_client.put(
        url,
        json={
            "addedTags": [{"type": "simple", "value": "new"}],
            "removedTags": [{"type": "simple", "value": "old"}],
        },
    )
    assert response.status_code == 200, response.text
    assert response.json()["tags"] == [{"type": "simple", "value": "new"}]


def test_remove_tag__200_and_event(
    admin_client: TestClient, context: AppContext, flag: str
) -> None:
    url = TAGS.format(name=flag)
    admin_client.post(url, json={"type": "simple", "value": "team-a"})
    assert admin_client.delete(f"{url}/simple/team-a").status_code == 200
    assert admin_client.get(url).json()["tags"] == []
    assert len(events(context, "feature-untagged")) == 1


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"type": "simple"}, 400),
        ({"type": "simple", "value": "x"}, 400),
        ({"type": "simple", "value": "x" * 51}, 400),
        ({"type": "nosuch", "value": "team"}, 404),
        ({"type": 1, "value": "team"}, 400),
    ],
)
def test_add_tag__bad_input__refused_nothing_written(
    admin_client: TestClient,
    context: AppContext,
    flag: str,
    body: dict[str, object],
    status: int,
) -> None:
    before = snapshot(context)
    assert_error(admin_client.post(TAGS.format(name=flag), json=body), status)
    assert snapshot(context) == before


def test_tags__unknown_flag__404(admin_client: TestClient) -> None:
    assert_error(admin_client.get(TAGS.format(name="nope")), 404)
    response = admin_client.post(TAGS.format(name="nope"), json={"type": "simple", "value": "ab"})
    assert_error(response, 404)


def test_add_tag__viewer__403(
    context: AppContext, new_client: Callable[[], TestClient], flag: str
) -> None:
    viewer = make_caller(context, new_client, "Viewer")
    response = viewer.client.post(TAGS.format(name=flag), json={"type": "simple", "value": "ab"})
    assert_error(response, 403, "UPDATE_FEATURE")


def test_tag_types__create_list_delete(admin_client: TestClient) -> None:
    response = admin_client.post("/api/admin/tag-types", json={"name": "team"})
    assert response.status_code == 201, response.text
    names = [t["name"] for t in admin_client.get("/api/admin/tag-types").json()["tagTypes"]]
    assert names == ["simple", "team"]
    assert_error(admin_client.post("/api/admin/tag-types", json={"name": "team"}), 409)
    assert admin_client.delete("/api/admin/tag-types/team").status_code == 200
    assert_error(admin_client.get("/api/admin/tag-types/team"), 404)
