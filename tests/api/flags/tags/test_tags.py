"""Tags on flags and tag types."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import pytest
from fastapi.testclient import TestClient

from flagstaff.http.context import AppContext
from tests.api.flags.caller_kinds import UNPRIVILEGED, make_kind
from tests.api.flags.support import assert_error, create_flag, events, make_caller, snapshot
from tests.factories import login

TAGS = "/api/admin/features/{name}/tags"
ALL_TAGS = "/api/admin/tags"
TAG_TYPES = "/api/admin/tag-types"


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


# /api/admin/tags


def test_create_tag__201_trimmed_listed_found_and_event(
    admin_client: TestClient, context: AppContext
) -> None:
    response = admin_client.post(ALL_TAGS, json={"type": "simple", "value": "  team-a  "})
    assert response.status_code == 201, response.text
    assert response.json() == {"version": 1, "tag": {"type": "simple", "value": "team-a"}}
    assert response.headers["location"] == "tags/simple/team-a"
    admin_client.post(TAG_TYPES, json={"name": "team"})
    admin_client.post(ALL_TAGS, json={"type": "team", "value": "core"})
    assert admin_client.get(ALL_TAGS).json() == {
        "version": 1,
        "tags": [{"type": "simple", "value": "team-a"}, {"type": "team", "value": "core"}],
    }
    assert admin_client.get(f"{ALL_TAGS}/team").json()["tags"] == [
        {"type": "team", "value": "core"}
    ]
    found = admin_client.get(f"{ALL_TAGS}/simple/team-a")
    assert found.json() == {"version": 1, "tag": {"type": "simple", "value": "team-a"}}
    assert [e.data for e in events(context, "tag-created")] == [
        {"type": "simple", "value": "team-a"},
        {"type": "team", "value": "core"},
    ]


def test_create_tag__any_characters__location_encoded_and_found_there(
    admin_client: TestClient,
) -> None:
    response = admin_client.post(ALL_TAGS, json={"type": "simple", "value": "✓ é#x?"})
    assert response.status_code == 201, response.text
    location = response.headers["location"]
    assert location == "tags/simple/%E2%9C%93%20%C3%A9%23x%3F"
    found = admin_client.get(f"/api/admin/{location}")
    assert found.json() == {"version": 1, "tag": {"type": "simple", "value": "✓ é#x?"}}
    assert admin_client.delete(f"/api/admin/{location}").status_code == 200
    assert admin_client.get(ALL_TAGS).json()["tags"] == []


def test_create_tag__duplicate__409_nothing_written(
    admin_client: TestClient, context: AppContext
) -> None:
    admin_client.post(ALL_TAGS, json={"type": "simple", "value": "dup"})
    before = snapshot(context)
    response = admin_client.post(ALL_TAGS, json={"type": "simple", "value": " dup "})
    assert_error(response, 409, "already exists")
    assert snapshot(context) == before


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({}, 400),
        ({"type": "simple"}, 400),
        ({"value": "team"}, 400),
        ({"type": "simple", "value": "x"}, 400),
        ({"type": "simple", "value": "   x   "}, 400),
        ({"type": "simple", "value": "x" * 51}, 400),
        ({"type": "simple", "value": "x" * 5000}, 400),
        ({"type": "s", "value": "team"}, 400),
        ({"type": "simple", "value": 12}, 400),
        ({"type": ["simple"], "value": "team"}, 400),
        ({"type": "simple", "value": "a\u0000b"}, 400),
        ({"type": "nosuch", "value": "team"}, 404),
    ],
)
def test_create_tag__bad_input__refused_nothing_written(
    admin_client: TestClient, context: AppContext, body: dict[str, object], status: int
) -> None:
    before = snapshot(context)
    assert_error(admin_client.post(ALL_TAGS, json=body), status)
    assert snapshot(context) == before
    assert admin_client.get(ALL_TAGS).json()["tags"] == []


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", f"{ALL_TAGS}/a%00b"),
        ("get", f"{ALL_TAGS}/simple/a%00b"),
        ("delete", f"{ALL_TAGS}/simple/a%00b"),
        ("delete", f"{ALL_TAGS}/simple/{'x' * 256}"),
        ("delete", TAGS.format(name="f") + "/simple/a%00b"),
        ("get", f"{TAG_TYPES}/a%00b"),
    ],
)
def test_tag_paths__nul_or_oversized__400_nothing_written(
    admin_client: TestClient, context: AppContext, flag: str, method: str, path: str
) -> None:
    before = snapshot(context)
    assert_error(getattr(admin_client, method)(path), 400)
    assert snapshot(context) == before


def test_tags__unknown__by_type_empty_and_single_404(admin_client: TestClient) -> None:
    assert admin_client.get(f"{ALL_TAGS}/nosuch").json() == {"version": 1, "tags": []}
    assert_error(admin_client.get(f"{ALL_TAGS}/simple/nope"), 404, "No tag with type")
    assert_error(admin_client.get(f"{ALL_TAGS}/{'x' * 300}"), 400)


def test_tag_flag__records_new_tag_once(
    admin_client: TestClient, context: AppContext, flag: str
) -> None:
    create_flag(admin_client, "g")
    for name in (flag, "g"):
        response = admin_client.post(
            TAGS.format(name=name), json={"type": "simple", "value": "shared"}
        )
        assert response.status_code == 201, response.text
    assert admin_client.get(ALL_TAGS).json()["tags"] == [{"type": "simple", "value": "shared"}]
    assert len(events(context, "tag-created")) == 1
    assert len(events(context, "feature-tagged")) == 2


def test_delete_tag__removed_from_flags_and_event(
    admin_client: TestClient, context: AppContext, flag: str
) -> None:
    admin_client.post(TAGS.format(name=flag), json={"type": "simple", "value": "gone"})
    admin_client.post(TAGS.format(name=flag), json={"type": "simple", "value": "kept"})
    response = admin_client.delete(f"{ALL_TAGS}/simple/gone")
    assert response.status_code == 200, response.text
    assert admin_client.get(TAGS.format(name=flag)).json()["tags"] == [
        {"type": "simple", "value": "kept"}
    ]
    assert admin_client.get(ALL_TAGS).json()["tags"] == [{"type": "simple", "value": "kept"}]
    [event] = events(context, "tag-deleted")
    assert event.data == {"type": "simple", "value": "gone"}


def test_delete_tag__unknown__404_nothing_written(
    admin_client: TestClient, context: AppContext
) -> None:
    before = snapshot(context)
    assert_error(admin_client.delete(f"{ALL_TAGS}/simple/never"), 404)
    assert snapshot(context) == before


def test_delete_tag_type__its_tags_go_too(admin_client: TestClient, flag: str) -> None:
    admin_client.post(TAG_TYPES, json={"name": "team"})
    admin_client.post(TAGS.format(name=flag), json={"type": "team", "value": "core"})
    assert admin_client.delete(f"{TAG_TYPES}/team").status_code == 200
    assert admin_client.get(ALL_TAGS).json()["tags"] == []
    assert admin_client.get(TAGS.format(name=flag)).json()["tags"] == []


@pytest.mark.parametrize("kind", ["viewer", "editor", "service-viewer", "admin-token"])
def test_create_tag__any_account_or_admin_token__201(
    kind: str,
    context: AppContext,
    admin_client: TestClient,
    new_client: Callable[[], TestClient],
) -> None:
    caller = make_kind(kind, context, admin_client, new_client)
    response = caller.post(ALL_TAGS, json={"type": "simple", "value": f"by-{kind}"})
    assert response.status_code == 201, response.text


@pytest.mark.parametrize("kind", ["client-token", "frontend-token"])
def test_tags__sdk_tokens__403(
    kind: str,
    context: AppContext,
    admin_client: TestClient,
    new_client: Callable[[], TestClient],
) -> None:
    caller = make_kind(kind, context, admin_client, new_client)
    assert_error(caller.get(ALL_TAGS), 403)
    assert_error(caller.post(ALL_TAGS, json={"type": "simple", "value": "sdk"}), 403)


@pytest.mark.parametrize("kind", [*UNPRIVILEGED, "editor"])
def test_delete_tag__without_root_update_feature__403_kept(
    kind: str,
    context: AppContext,
    admin_client: TestClient,
    new_client: Callable[[], TestClient],
) -> None:
    admin_client.post(ALL_TAGS, json={"type": "simple", "value": "keep"})
    caller = make_kind(kind, context, admin_client, new_client)
    before = snapshot(context)
    assert_error(caller.delete(f"{ALL_TAGS}/simple/keep"), 403)
    assert snapshot(context) == before
    assert admin_client.get(f"{ALL_TAGS}/simple/keep").status_code == 200


@pytest.mark.parametrize("kind", ["service-admin", "admin-token"])
def test_delete_tag__admin_kinds__200(
    kind: str,
    context: AppContext,
    admin_client: TestClient,
    new_client: Callable[[], TestClient],
) -> None:
    admin_client.post(ALL_TAGS, json={"type": "simple", "value": "doomed"})
    caller = make_kind(kind, context, admin_client, new_client)
    assert caller.delete(f"{ALL_TAGS}/simple/doomed").status_code == 200


# Tag types: update and validate


def test_update_tag_type__changes_given_fields_and_event(
    admin_client: TestClient, context: AppContext
) -> None:
    admin_client.post(TAG_TYPES, json={"name": "team", "description": "old", "icon": "i"})
    response = admin_client.put(f"{TAG_TYPES}/team", json={"description": "new"})
    assert response.status_code == 200, response.text
    assert admin_client.get(f"{TAG_TYPES}/team").json()["tagType"] == {
        "name": "team",
        "description": "new",
        "icon": "i",
    }
    [event] = events(context, "tag-type-updated")
    assert event.data == {"name": "team", "description": "new", "icon": "i"}
    assert event.pre_data == {"name": "team", "description": "old", "icon": "i"}


@pytest.mark.parametrize(
    ("name", "body", "status"),
    [
        ("nosuch", {"description": "d"}, 404),
        ("simple", {}, 400),
        ("simple", {"description": 5}, 400),
        ("simple", {"icon": "x" * 256}, 400),
        ("simple", {"description": "x" * 10_001}, 400),
        ("x" * 256, {"description": "d"}, 400),
        ("a%00b", {"description": "d"}, 400),
        ("simple", {"description": "a\u0000b"}, 400),
    ],
)
def test_update_tag_type__bad_input__refused_nothing_written(
    admin_client: TestClient,
    context: AppContext,
    name: str,
    body: dict[str, object],
    status: int,
) -> None:
    before = snapshot(context)
    assert_error(admin_client.put(f"{TAG_TYPES}/{name}", json=body), status)
    assert snapshot(context) == before


@pytest.mark.parametrize("kind", UNPRIVILEGED)
def test_update_tag_type__without_permission__403(
    kind: str,
    context: AppContext,
    admin_client: TestClient,
    new_client: Callable[[], TestClient],
) -> None:
    caller = make_kind(kind, context, admin_client, new_client)
    assert_error(caller.put(f"{TAG_TYPES}/simple", json={"description": "d"}), 403)


@pytest.mark.parametrize("kind", ["editor", "service-admin", "admin-token"])
def test_update_tag_type__editor_and_admin_kinds__200(
    kind: str,
    context: AppContext,
    admin_client: TestClient,
    new_client: Callable[[], TestClient],
) -> None:
    caller = make_kind(kind, context, admin_client, new_client)
    assert caller.put(f"{TAG_TYPES}/simple", json={"icon": kind}).status_code == 200
    assert admin_client.get(f"{TAG_TYPES}/simple").json()["tagType"]["icon"] == kind


def test_validate_tag_type__free_name__valid(admin_client: TestClient) -> None:
    response = admin_client.post(f"{TAG_TYPES}/validate", json={"name": "fresh", "icon": "i"})
    assert response.status_code == 200, response.text
    assert response.json() == {"valid": True, "tagType": {"name": "fresh", "icon": "i"}}


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"name": "simple"}, 409),
        ({}, 400),
        ({"name": "x"}, 400),
        ({"name": "a b"}, 400),
        ({"name": "x" * 51}, 400),
        ({"name": 7}, 400),
    ],
)
def test_validate_tag_type__bad__refused(
    admin_client: TestClient, body: dict[str, object], status: int
) -> None:
    assert_error(admin_client.post(f"{TAG_TYPES}/validate", json=body), status)


def test_create_tag_type__not_url_friendly__400(admin_client: TestClient) -> None:
    assert_error(admin_client.post(TAG_TYPES, json={"name": "a/b"}), 400, "URL friendly")


PARALLEL = 8


def _at_once(clients: list[TestClient], call: Callable[[TestClient, int], int]) -> Counter[int]:
    start = threading.Barrier(len(clients))

    def run(n: int) -> int:
        start.wait()
        return call(clients[n], n)

    with ThreadPoolExecutor(len(clients)) as pool:
        return Counter(pool.map(run, range(len(clients))))


def test_create_same_tag_at_once__one_201_rest_409_one_event(
    admin_client: TestClient, context: AppContext, new_client: Callable[[], TestClient]
) -> None:
    clients = [login(new_client(), "admin") for _ in range(PARALLEL)]
    statuses = _at_once(
        clients,
        lambda c, _: c.post(ALL_TAGS, json={"type": "simple", "value": "race"}).status_code,
    )
    assert statuses == {201: 1, 409: PARALLEL - 1}
    assert admin_client.get(ALL_TAGS).json()["tags"] == [{"type": "simple", "value": "race"}]
    assert len(events(context, "tag-created")) == 1


def test_tag_flags_with_one_new_tag_at_once__all_tagged_tag_created_once(
    admin_client: TestClient, context: AppContext, new_client: Callable[[], TestClient]
) -> None:
    for n in range(PARALLEL):
        create_flag(admin_client, f"flag-{n}")
    clients = [login(new_client(), "admin") for _ in range(PARALLEL)]
    statuses = _at_once(
        clients,
        lambda c, n: (
            c.post(
                TAGS.format(name=f"flag-{n}"), json={"type": "simple", "value": "fresh"}
            ).status_code
        ),
    )
    assert statuses == {201: PARALLEL}
    assert admin_client.get(ALL_TAGS).json()["tags"] == [{"type": "simple", "value": "fresh"}]
    assert len(events(context, "tag-created")) == 1
    assert len(events(context, "feature-tagged")) == PARALLEL


def test_tag_value_with_slash__addressed_with_percent_2f__found_and_deleted(
    admin_client: TestClient,
) -> None:
    created = admin_client.post("/api/admin/tags", json={"type": "simple", "value": "team/web"})
    assert created.status_code == 201
    found = admin_client.get("/api/admin/tags/simple/team%2Fweb")
    assert found.status_code == 200
    assert found.json()["tag"] == {"type": "simple", "value": "team/web"}
    assert admin_client.delete("/api/admin/tags/simple/team%2Fweb").status_code == 200
    assert admin_client.get("/api/admin/tags/simple/team%2Fweb").status_code == 404
