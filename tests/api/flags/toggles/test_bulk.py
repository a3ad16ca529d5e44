"""Several flags at once: switched on or off in one environment, or marked (not) stale."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

from flagstaff.http.context import AppContext
from flagstaff.rbac.predefined import MEMBER_ROLE_ID
from tests.api.credentials.api_tokens.helpers import make_api_token
from tests.api.flags.support import (
    add_strategy,
    assert_error,
    create_flag,
    events,
    make_caller,
    make_project,
    snapshot,
)

PROJECT = "/api/admin/projects/default"
STALE = PROJECT + "/stale"


def bulk_url(switch: str, env: str = "development", project: str = "default") -> str:
    return f"/api/admin/projects/{project}/bulk_features/environments/{env}/{switch}"


def enabled(client: TestClient, name: str, env: str = "development") -> bool:
    body = client.get(f"{PROJECT}/features/{name}").json()
    [state] = [e for e in body["environments"] if e["name"] == env]
    return bool(state["enabled"])


def stale(client: TestClient, name: str) -> bool:
    return bool(client.get(f"{PROJECT}/features/{name}").json()["stale"])


@pytest.fixture
def flags(admin_client: TestClient) -> list[str]:
    for name in ("a", "b", "c"):
        create_flag(admin_client, name)
        add_strategy(admin_client, name)
    return ["a", "b", "c"]


def _caller(kind: str, context: AppContext, new_client: Callable[[], TestClient]) -> TestClient:
    if kind == "viewer":
        return make_caller(context, new_client, "Viewer").client
    client = new_client()
    client.headers["Authorization"] = make_api_token(context, kind)
    return client


# --- bulk toggle -------------------------------------------------------------------------------


def test_bulk_on__200_each_switched_one_event_per_change(
    admin_client: TestClient, context: AppContext, flags: list[str]
) -> None:
    assert admin_client.post(f"{PROJECT}/features/a/environments/development/on").status_code == 200
    response = admin_client.post(bulk_url("on"), json={"features": ["a", "b", "c", "b"]})
    assert response.status_code == 200, response.text
    assert response.content == b""
    assert all(enabled(admin_client, name) for name in flags)
    switched = events(context, "feature-environment-enabled")
    assert [e.feature_name for e in switched] == ["a", "b", "c"]  # a's own toggle, then b, c
    assert {(e.project, e.environment) for e in switched} == {("default", "development")}
    assert not enabled(admin_client, "a", "production")


def test_bulk_off__200_only_changed_flags_record(
    admin_client: TestClient, context: AppContext, flags: list[str]
) -> None:
    admin_client.post(bulk_url("on"), json={"features": ["a", "b"]})
    response = admin_client.post(bulk_url("off"), json={"features": flags})
    assert response.status_code == 200, response.text
    assert not any(enabled(admin_client, name) for name in flags)
    assert [e.feature_name for e in events(context, "feature-environment-disabled")] == ["a", "b"]


def test_bulk_on__flag_without_strategy__gets_the_default_one_as_alone(
    admin_client: TestClient, context: AppContext
) -> None:
    create_flag(admin_client, "bare")
    assert admin_client.post(bulk_url("on"), json={"features": ["bare"]}).status_code == 200
    [added] = events(context, "feature-strategy-add")
    assert (added.feature_name, added.data["name"]) == ("bare", "flexibleRollout")


def test_bulk_on__empty_list__200_nothing_written(
    admin_client: TestClient, context: AppContext, flags: list[str]
) -> None:
    before = snapshot(context)
    assert admin_client.post(bulk_url("on"), json={"features": []}).status_code == 200
    assert snapshot(context) == before


@pytest.mark.parametrize(
    ("url", "names", "status", "fragment"),
    [
        (bulk_url("on"), ["a", "nope"], 404, "nope"),
        (bulk_url("on", project="nope"), ["a"], 404, "nope"),
        (bulk_url("on", project="other"), ["a"], 404, '"a"'),
        (bulk_url("on", env="nope"), ["a"], 404, "nope"),
        (bulk_url("off"), ["a", "nope"], 404, "nope"),
    ],
)
def test_bulk_toggle__one_unknown__nothing_switched(
    admin_client: TestClient,
    context: AppContext,
    flags: list[str],
    url: str,
    names: list[str],
    status: int,
    fragment: str,
) -> None:
    make_project(context, "other")
    admin_client.post(bulk_url("on"), json={"features": ["b"]})
    before = snapshot(context)
    assert_error(admin_client.post(url, json={"features": names}), status, fragment)
    assert snapshot(context) == before
    assert (enabled(admin_client, "a"), enabled(admin_client, "b")) == (False, True)


def test_bulk_toggle__archived_flag__404_nothing_switched(
    admin_client: TestClient, context: AppContext, flags: list[str]
) -> None:
    assert admin_client.delete(f"{PROJECT}/features/c").status_code == 202
    before = snapshot(context)
    assert_error(admin_client.post(bulk_url("on"), json={"features": ["a", "c"]}), 404, '"c"')
    assert snapshot(context) == before


@pytest.mark.parametrize(
    "sent",
    [
        {},
        {"features": "a"},
        {"features": [1]},
        {"features": None},
        {"features": ["x" * 256]},
        {"features": ["a"] * 1001},
        ["a"],
    ],
)
def test_bulk_toggle__bad_body__400_nothing_written(
    admin_client: TestClient, context: AppContext, flags: list[str], sent: Any
) -> None:
    before = snapshot(context)
    assert_error(admin_client.post(bulk_url("on"), json=sent), 400)
    assert snapshot(context) == before


@pytest.mark.parametrize("kind", ["viewer", "client", "frontend"])
def test_bulk_toggle__unprivileged__403_nothing_written(
    admin_client: TestClient,
    context: AppContext,
    new_client: Callable[[], TestClient],
    flags: list[str],
    kind: str,
) -> None:
    caller = _caller(kind, context, new_client)
    before = snapshot(context)
    assert_error(caller.post(bulk_url("on"), json={"features": ["a"]}), 403)
    assert snapshot(context) == before


def test_bulk_toggle__project_member__allowed_in_own_project_only(
    admin_client: TestClient, context: AppContext, new_client: Callable[[], TestClient]
) -> None:
    make_project(context, "mine")
    create_flag(admin_client, "m", project="mine")
    create_flag(admin_client, "d")
    member = make_caller(context, new_client, "Viewer", {"mine": MEMBER_ROLE_ID}).client
    assert member.post(bulk_url("on", project="mine"), json={"features": ["m"]}).status_code == 200
    assert_error(member.post(bulk_url("on"), json={"features": ["d"]}), 403)


# --- stale -------------------------------------------------------------------------------------


def test_stale__202_marked_one_event_per_change(
    admin_client: TestClient, context: AppContext, flags: list[str]
) -> None:
    admin_client.patch(
        f"{PROJECT}/features/a", json=[{"op": "replace", "path": "/stale", "value": True}]
    )
    response = admin_client.post(STALE, json={"features": ["a", "b", "b"], "stale": True})
    assert response.status_code == 202, response.text
    assert (stale(admin_client, "a"), stale(admin_client, "b"), stale(admin_client, "c")) == (
        True,
        True,
        False,
    )
    marked = events(context, "feature-stale-on")
    assert [(e.feature_name, e.project, e.data) for e in marked] == [
        ("a", "default", {"name": "a", "stale": True}),  # the patch's own
        ("b", "default", {"name": "b", "stale": True}),
    ]


def test_stale__false__unmarked_with_stale_off_events(
    admin_client: TestClient, context: AppContext, flags: list[str]
) -> None:
    admin_client.post(STALE, json={"features": ["a", "b"], "stale": True})
    response = admin_client.post(STALE, json={"features": flags, "stale": False})
    assert response.status_code == 202, response.text
    assert not any(stale(admin_client, name) for name in flags)
    assert [e.feature_name for e in events(context, "feature-stale-off")] == ["a", "b"]


def test_stale__names_of_no_flag__ignored_as_unleash(
    admin_client: TestClient, context: AppContext, flags: list[str]
) -> None:
    response = admin_client.post(STALE, json={"features": ["nope", "a"], "stale": True})
    assert response.status_code == 202, response.text
    assert stale(admin_client, "a")
    assert [e.feature_name for e in events(context, "feature-stale-on")] == ["a"]


def test_stale__flag_of_another_project__403_nothing_written(
    admin_client: TestClient, context: AppContext, flags: list[str]
) -> None:
    make_project(context, "other")
    create_flag(admin_client, "elsewhere", project="other")
    before = snapshot(context)
    response = admin_client.post(STALE, json={"features": ["a", "elsewhere"], "stale": True})
    assert_error(response, 403, '"other"', '"default"')
    assert snapshot(context) == before


def test_stale__unknown_project__404(admin_client: TestClient, context: AppContext) -> None:
    before = snapshot(context)
    response = admin_client.post(
        "/api/admin/projects/nope/stale", json={"features": [], "stale": True}
    )
    assert_error(response, 404, "nope")
    assert snapshot(context) == before


@pytest.mark.parametrize(
    "sent",
    [
        {"features": ["a"]},
        {"stale": True},
        {"features": ["a"], "stale": "true"},
        {"features": "a", "stale": True},
        {"features": [None], "stale": True},
        {"features": ["x" * 256], "stale": True},
        {"features": ["a"] * 1001, "stale": True},
    ],
)
def test_stale__bad_body__400_nothing_written(
    admin_client: TestClient, context: AppContext, flags: list[str], sent: dict[str, Any]
) -> None:
    before = snapshot(context)
    assert_error(admin_client.post(STALE, json=sent), 400)
    assert snapshot(context) == before


@pytest.mark.parametrize("kind", ["viewer", "client", "frontend"])
def test_stale__unprivileged__403_nothing_written(
    admin_client: TestClient,
    context: AppContext,
    new_client: Callable[[], TestClient],
    flags: list[str],
    kind: str,
) -> None:
    caller = _caller(kind, context, new_client)
    before = snapshot(context)
    assert_error(caller.post(STALE, json={"features": ["a"], "stale": True}), 403)
    assert snapshot(context) == before
