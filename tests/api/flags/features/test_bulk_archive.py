"""Several flags of a project archived, checked before archiving, revived, or deleted at once."""

from __future__ import annotations

import json
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event

from flagstaff.http.context import AppContext
from flagstaff.rbac.predefined import MEMBER_ROLE_ID, READER_ROLE_ID
from tests.api.flags.caller_kinds import make_kind
from tests.api.flags.support import (
    add_strategy,
    assert_error,
    create_flag,
    events,
    features_url,
    make_caller,
    make_project,
    snapshot,
)
from tests.api.roles.helpers import create_role
from tests.factories import login

PROJECT = "/api/admin/projects/{project}"
ARCHIVE = PROJECT + "/archive"
VALIDATE = PROJECT + "/archive/validate"
REVIVE = PROJECT + "/revive"
DELETE = PROJECT + "/delete"
ALL_URLS = (ARCHIVE, VALIDATE, REVIVE, DELETE)


def url(template: str, project: str = "default") -> str:
    return template.format(project=project)


def archived_names(client: TestClient, project: str = "default") -> list[str]:
    response = client.get(f"/api/admin/archive/features/{project}")
    assert response.status_code == 200, response.text
    return sorted(f["name"] for f in response.json()["features"])


def active_names(client: TestClient, project: str = "default") -> list[str]:
    response = client.get(features_url(project))
    assert response.status_code == 200, response.text
    return sorted(f["name"] for f in response.json()["features"])


def depend(client: TestClient, child: str, parent: str) -> None:
    response = client.post(features_url("default", child, "dependencies"), json={"feature": parent})
    assert response.status_code == 200, response.text


def archive(client: TestClient, *names: str) -> None:
    response = client.post(url(ARCHIVE), json={"features": list(names)})
    assert response.status_code == 202, response.text


@pytest.fixture
def flags(admin_client: TestClient) -> list[str]:
    for name in ("a", "b", "c"):
        create_flag(admin_client, name)
    return ["a", "b", "c"]


# --- archive ----------------------------------------------------------------------------------


def test_archive__202_each_archived_one_event_each(
    admin_client: TestClient, context: AppContext, flags: list[str]
) -> None:
    response = admin_client.post(url(ARCHIVE), json={"features": ["a", "b", "a"]})
    assert response.status_code == 202, response.text
    assert response.content == b""
    assert archived_names(admin_client) == ["a", "b"]
    assert active_names(admin_client) == ["c"]
    archived = events(context, "feature-archived")
    assert [(e.feature_name, e.project) for e in archived] == [("a", "default"), ("b", "default")]


def test_archive__already_archived__ignored_no_event(
    admin_client: TestClient, context: AppContext, flags: list[str]
) -> None:
    archive(admin_client, "a")
    archive(admin_client, "a", "b")
    assert [e.feature_name for e in events(context, "feature-archived")] == ["a", "b"]


def test_archive__empty_list__202_nothing_written(
    admin_client: TestClient, context: AppContext, flags: list[str]
) -> None:
    before = snapshot(context)
    archive(admin_client)
    assert snapshot(context) == before


def test_archive__parent_with_child_left_behind__403_nothing_archived(
    admin_client: TestClient, context: AppContext, flags: list[str]
) -> None:
    depend(admin_client, "b", "a")
    before = snapshot(context)
    response = admin_client.post(url(ARCHIVE), json={"features": ["a", "c"]})
    assert_error(response, 403, "You can not archive/delete those features")
    response = admin_client.post(url(ARCHIVE), json={"features": ["a"]})
    assert_error(response, 403, "You can not archive/delete this feature")
    assert snapshot(context) == before
    assert archived_names(admin_client) == []


def test_archive__parent_with_its_children__both_archived_dependencies_dropped(
    admin_client: TestClient, context: AppContext, flags: list[str]
) -> None:
    depend(admin_client, "b", "a")
    depend(admin_client, "c", "b")  # a chain: c on b on a
    response = admin_client.post(url(ARCHIVE), json={"features": ["a", "b", "c"]})
    assert response.status_code == 202, response.text
    assert archived_names(admin_client) == flags
    dropped = events(context, "feature-dependencies-removed")
    assert sorted(str(e.feature_name) for e in dropped) == ["b", "c"]  # the children, once each
    # Revived, they depend on nothing any more, as in Unleash.
    assert admin_client.post(url(REVIVE), json={"features": flags}).status_code == 200
    for name in flags:
        assert admin_client.get(features_url("default", name)).json()["dependencies"] == []


def test_archive__child_alone__dependency_dropped_parent_stays(
    admin_client: TestClient, context: AppContext, flags: list[str]
) -> None:
    depend(admin_client, "b", "a")
    archive(admin_client, "b")
    assert admin_client.get(features_url("default", "a")).json()["children"] == []
    [dropped] = events(context, "feature-dependencies-removed")
    assert (dropped.feature_name, dropped.project) == ("b", "default")
    archive(admin_client, "a")  # no child left: the parent can go now


def test_single_archive__child__records_dependencies_removed_as_unleash(
    admin_client: TestClient, context: AppContext, flags: list[str]
) -> None:
    depend(admin_client, "b", "a")
    assert admin_client.delete(features_url("default", "b")).status_code == 202
    recorded = [e.type for e in events(context) if e.feature_name == "b"]
    assert recorded[-2:] == ["feature-dependencies-removed", "feature-archived"]


# --- validate ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("names", "expected"),
    [
        (["a"], {"hasDeletedDependencies": True, "parentsWithChildFeatures": ["a"]}),
        (["a", "b"], {"hasDeletedDependencies": True, "parentsWithChildFeatures": []}),
        (["b"], {"hasDeletedDependencies": True, "parentsWithChildFeatures": []}),
        (["c"], {"hasDeletedDependencies": False, "parentsWithChildFeatures": []}),
        ([], {"hasDeletedDependencies": False, "parentsWithChildFeatures": []}),
    ],
)
def test_validate__dependencies_that_archiving_would_drop_or_orphan(
    admin_client: TestClient,
    context: AppContext,
    flags: list[str],
    names: list[str],
    expected: dict[str, Any],
) -> None:
    depend(admin_client, "b", "a")
    before = snapshot(context)
    response = admin_client.post(url(VALIDATE), json={"features": names})
    assert response.status_code == 200, response.text
    assert response.json() == expected
    assert snapshot(context) == before


def test_validate__archived_child_does_not_hold_its_parent(
    admin_client: TestClient, flags: list[str]
) -> None:
    depend(admin_client, "b", "a")
    archive(admin_client, "b")
    response = admin_client.post(url(VALIDATE), json={"features": ["a"]})
    assert response.json() == {"hasDeletedDependencies": False, "parentsWithChildFeatures": []}


# --- revive -----------------------------------------------------------------------------------


def test_revive__200_revived_switched_off_one_event_each(
    admin_client: TestClient, context: AppContext, flags: list[str]
) -> None:
    add_strategy(admin_client, "a")
    on = admin_client.post(features_url("default", "a", "environments", "development", "on"))
    assert on.status_code == 200, on.text
    archive(admin_client, "a", "b")
    response = admin_client.post(url(REVIVE), json={"features": ["a", "b", "c"]})
    assert response.status_code == 200, response.text
    assert response.content == b""
    assert archived_names(admin_client) == []
    revived = events(context, "feature-revived")
    assert [(e.feature_name, e.project) for e in revived] == [("a", "default"), ("b", "default")]
    flag = admin_client.get(features_url("default", "a")).json()
    assert not any(env["enabled"] for env in flag["environments"])


def test_revive__in_archived_project__404_nothing_revived(
    admin_client: TestClient, context: AppContext
) -> None:
    make_project(context, "old")
    create_flag(admin_client, "x", project="old")
    assert admin_client.post(url(ARCHIVE, "old"), json={"features": ["x"]}).status_code == 202
    assert admin_client.post("/api/admin/projects/archive/old").status_code == 200
    before = snapshot(context)
    response = admin_client.post(url(REVIVE, "old"), json={"features": ["x"]})
    assert_error(response, 404, "old")
    assert snapshot(context) == before


# --- delete -----------------------------------------------------------------------------------


def test_delete__archived_flags_deleted_one_event_each(
    admin_client: TestClient, context: AppContext, flags: list[str]
) -> None:
    tagged = admin_client.post(
        "/api/admin/features/a/tags", json={"type": "simple", "value": "blue"}
    )
    assert tagged.status_code == 201, tagged.text
    archive(admin_client, "a", "b")
    response = admin_client.post(url(DELETE), json={"features": ["b", "a", "b"]})
    assert response.status_code == 200, response.text
    assert response.content == b""
    assert archived_names(admin_client) == []
    assert admin_client.get(features_url("default", "a")).status_code == 404
    deleted = events(context, "feature-deleted")
    assert [(e.feature_name, e.project) for e in deleted] == [("b", "default"), ("a", "default")]
    assert [(e.pre_data or {}).get("name") for e in deleted] == ["b", "a"]
    assert [e.tags for e in deleted] == [[], [{"value": "blue", "type": "simple"}]]
    assert admin_client.post(url(DELETE), json={"features": []}).status_code == 200


def test_delete__one_still_active__400_nothing_deleted(
    admin_client: TestClient, context: AppContext, flags: list[str]
) -> None:
    archive(admin_client, "a")
    before = snapshot(context)
    response = admin_client.post(url(DELETE), json={"features": ["a", "c"]})
    assert_error(response, 400, "c")
    assert snapshot(context) == before
    assert archived_names(admin_client) == ["a"]


# --- all or nothing: names and projects -------------------------------------------------------


@pytest.mark.parametrize("template", ALL_URLS)
@pytest.mark.parametrize(
    ("project", "names", "status", "fragment"),
    [
        ("default", ["a", "nope"], 404, '"nope"'),
        ("nope", ["a"], 404, "nope"),
        ("default", ["a", "elsewhere"], 403, '"other"'),
        ("other", ["a"], 403, '"default"'),
    ],
)
def test_every_operation__unknown_or_foreign_flag_or_project__refused_nothing_written(
    admin_client: TestClient,
    context: AppContext,
    flags: list[str],
    template: str,
    project: str,
    names: list[str],
    status: int,
    fragment: str,
) -> None:
    make_project(context, "other")
    create_flag(admin_client, "elsewhere", project="other")
    if template in (REVIVE, DELETE):
        archive(admin_client, "a")
        other = admin_client.post(url(ARCHIVE, "other"), json={"features": ["elsewhere"]})
        assert other.status_code == 202, other.text
    before = snapshot(context)
    response = admin_client.post(url(template, project), json={"features": names})
    assert_error(response, status, fragment)
    assert snapshot(context) == before


@pytest.mark.parametrize("template", ALL_URLS)
def test_every_operation__longest_list_all_unknown_but_one__404_message_bounded(
    admin_client: TestClient, flags: list[str], template: str
) -> None:
    names = ["a", *(f"missing-{n}" for n in range(999))]
    body = assert_error(admin_client.post(url(template), json={"features": names}), 404)
    assert "and 989 more" in body["message"]
    assert len(body["message"]) < 400


@pytest.mark.parametrize("template", ALL_URLS)
@pytest.mark.parametrize(
    "sent",
    [
        {},
        {"features": "a"},
        {"features": [1]},
        {"features": None},
        {"features": [None]},
        {"features": ["x" * 256]},
        {"features": ["a"] * 1001},
        ["a"],
        "a",
    ],
)
def test_every_operation__bad_body__400_nothing_written(
    admin_client: TestClient, context: AppContext, flags: list[str], template: str, sent: Any
) -> None:
    archive(admin_client, "b")
    before = snapshot(context)
    assert_error(admin_client.post(url(template), json=sent), 400)
    assert snapshot(context) == before


@pytest.mark.parametrize("template", ALL_URLS)
def test_every_operation__not_json__4xx_error_body(
    admin_client: TestClient, flags: list[str], template: str
) -> None:
    response = admin_client.post(
        url(template), content=b"{", headers={"Content-Type": "application/json"}
    )
    assert_error(response, 400)


# --- callers ----------------------------------------------------------------------------------


@pytest.mark.parametrize("template", ALL_URLS)
@pytest.mark.parametrize("kind", ["viewer", "service-viewer", "client-token", "frontend-token"])
def test_every_operation__unprivileged_caller__403_nothing_written(
    admin_client: TestClient,
    context: AppContext,
    new_client: Callable[[], TestClient],
    flags: list[str],
    template: str,
    kind: str,
) -> None:
    archive(admin_client, "b")
    caller = make_kind(kind, context, admin_client, new_client)
    before = snapshot(context)
    assert_error(caller.post(url(template), json={"features": ["a", "b"]}), 403)
    assert snapshot(context) == before


@pytest.mark.parametrize("kind", ["editor", "service-admin", "admin-token"])
def test_archive_revive_delete__privileged_callers__allowed(
    admin_client: TestClient,
    context: AppContext,
    new_client: Callable[[], TestClient],
    flags: list[str],
    kind: str,
) -> None:
    caller = make_kind(kind, context, admin_client, new_client)
    assert caller.post(url(ARCHIVE), json={"features": ["a", "b"]}).status_code == 202
    validated = caller.post(url(VALIDATE), json={"features": ["c"]})
    assert validated.status_code == 200, validated.text
    assert caller.post(url(REVIVE), json={"features": ["a"]}).status_code == 200
    assert caller.post(url(DELETE), json={"features": ["b"]}).status_code == 200
    assert active_names(admin_client) == ["a", "c"]


def test_project_roles__member_in_own_project_only_reader_nowhere(
    admin_client: TestClient, context: AppContext, new_client: Callable[[], TestClient]
) -> None:
    make_project(context, "mine")
    create_flag(admin_client, "m", project="mine")
    create_flag(admin_client, "d")
    roles = {"mine": MEMBER_ROLE_ID, "default": READER_ROLE_ID}
    member = make_caller(context, new_client, "Viewer", roles).client
    before = snapshot(context)
    for template in ALL_URLS:
        assert_error(member.post(url(template), json={"features": ["d"]}), 403)
    assert snapshot(context) == before
    assert member.post(url(ARCHIVE, "mine"), json={"features": ["m"]}).status_code == 202
    assert member.post(url(REVIVE, "mine"), json={"features": ["m"]}).status_code == 200


def test_permissions__revive_needs_update_feature_archive_and_delete_need_delete_feature(
    admin_client: TestClient, context: AppContext, new_client: Callable[[], TestClient]
) -> None:
    create_flag(admin_client, "d")
    archive(admin_client, "d")
    reviver = create_role(
        admin_client, "Reviver", type_="custom", permissions=[{"name": "UPDATE_FEATURE"}]
    )
    caller = make_caller(context, new_client, "Viewer", {"default": reviver["id"]}).client
    before = snapshot(context)
    for template in (DELETE, VALIDATE, ARCHIVE):
        response = caller.post(url(template), json={"features": ["d"]})
        assert_error(response, 403, "DELETE_FEATURE")
    assert snapshot(context) == before
    assert caller.post(url(REVIVE), json={"features": ["d"]}).status_code == 200
    assert_error(caller.post(url(ARCHIVE), json={"features": ["d"]}), 403)


@pytest.mark.parametrize("template", ALL_URLS)
@pytest.mark.parametrize("name", ["a\u0000b", "\ud800", "a%2Fb", " ", "é" * 100])
def test_every_operation__odd_names__4xx_nothing_written(
    admin_client: TestClient, context: AppContext, flags: list[str], template: str, name: str
) -> None:
    before = snapshot(context)
    response = admin_client.post(
        url(template),
        content=json.dumps({"features": ["a", name]}).encode(),  # a lone surrogate, escaped
        headers={"Content-Type": "application/json"},
    )
    assert 400 <= response.status_code < 500, response.text
    assert_error(response, response.status_code)
    assert snapshot(context) == before


# --- races ------------------------------------------------------------------------------------

PARALLEL = 6


@pytest.fixture
def slow_flag_reads(context: AppContext) -> Iterator[None]:
    """A pause after each read of named flags widens the window a missing row lock leaves."""
    engine = context.database.engine

    def pause(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT") and "FROM features" in statement:
            time.sleep(0.02)

    event.listen(engine, "after_cursor_execute", pause)
    yield
    event.remove(engine, "after_cursor_execute", pause)


def _race(calls: list[Callable[[], int]]) -> Counter[int]:
    start = threading.Barrier(len(calls))

    def run(call: Callable[[], int]) -> int:
        start.wait()
        return call()

    with ThreadPoolExecutor(len(calls)) as pool:
        return Counter(pool.map(run, calls))


def _poster(client: TestClient, template: str, names: list[str]) -> Callable[[], int]:
    return lambda: client.post(url(template), json={"features": names}).status_code


def _depender(client: TestClient, child: str, parent: str) -> Callable[[], int]:
    dependencies = features_url("default", child, "dependencies")
    return lambda: client.post(dependencies, json={"feature": parent}).status_code


@pytest.mark.usefixtures("slow_flag_reads")
def test_parallel_archives__each_flag_archived_once(
    admin_client: TestClient,
    new_client: Callable[[], TestClient],
    context: AppContext,
    flags: list[str],
) -> None:
    clients = [login(new_client(), "admin") for _ in range(PARALLEL)]
    statuses = _race([_poster(c, ARCHIVE, flags) for c in clients])
    assert statuses == {202: PARALLEL}
    assert sorted(str(e.feature_name) for e in events(context, "feature-archived")) == flags


@pytest.mark.usefixtures("slow_flag_reads")
def test_parallel_revives_and_deletes__no_5xx_each_flag_once(
    admin_client: TestClient,
    new_client: Callable[[], TestClient],
    context: AppContext,
    flags: list[str],
) -> None:
    archive(admin_client, *flags)
    clients = [login(new_client(), "admin") for _ in range(PARALLEL)]
    calls = [
        _poster(client, REVIVE if n % 2 else DELETE, flags) for n, client in enumerate(clients)
    ]
    statuses = _race(calls)
    assert set(statuses) <= {200, 400, 404}, statuses
    revived = [str(e.feature_name) for e in events(context, "feature-revived")]
    deleted = [str(e.feature_name) for e in events(context, "feature-deleted")]
    assert len(revived) == len(set(revived))
    assert len(deleted) == len(set(deleted))
    assert sorted(active_names(admin_client) + archived_names(admin_client)) == sorted(
        set(flags) - set(deleted)
    )


@pytest.mark.usefixtures("slow_flag_reads")
def test_parallel_archive_and_new_dependency__never_a_child_of_an_archived_flag(
    admin_client: TestClient, new_client: Callable[[], TestClient], context: AppContext
) -> None:
    clients = [login(new_client(), "admin") for _ in range(2)]
    for round_ in range(4):
        # Parent before child, then child before parent, in name order (lock order).
        parent, child = (f"p{round_}", f"q{round_}") if round_ % 2 else (f"q{round_}", f"p{round_}")
        create_flag(admin_client, parent)
        create_flag(admin_client, child)
        statuses = _race(
            [
                _poster(clients[0], ARCHIVE, [parent]),
                _depender(clients[1], child, parent),
            ]
        )
        assert set(statuses) <= {200, 202, 400, 403}, statuses
        parent_archived = parent in archived_names(admin_client)
        depends = admin_client.get(features_url("default", child)).json()["dependencies"]
        assert not (parent_archived and depends), (round_, statuses)
