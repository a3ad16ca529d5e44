"""Searching flags (``/api/admin/search/features``): filters, sorting, paging, what each flag
shows, and which projects a caller sees."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update

from flagstaff.flags.features.models import Feature
from flagstaff.flags.metrics.models import ClientMetric
from flagstaff.http.context import AppContext
from flagstaff.rbac.predefined import MEMBER_ROLE_ID
from tests.api.flags.caller_kinds import make_kind
from tests.api.flags.support import (
    add_strategy,
    assert_error,
    create_flag,
    env_url,
    features_url,
    make_caller,
    make_project,
)

SEARCH = "/api/admin/search/features"


def names(client: TestClient, params: str = "") -> list[str]:
    response = client.get(f"{SEARCH}?{params}")
    assert response.status_code == 200, response.text
    return [f["name"] for f in response.json()["features"]]


def set_created(context: AppContext, name: str, when: datetime) -> None:
    with context.database.transaction() as session:
        session.execute(update(Feature).where(Feature.name == name).values(created_at=when))


@pytest.fixture
def flags(admin_client: TestClient, context: AppContext) -> None:
    """alpha (release, team-a), beta (experiment, stale, team-a + team-b), gamma in shop
    (description mentions "checkout"), omega archived; created a day apart in that order."""
    make_project(context, "shop")
    create_flag(admin_client, "alpha", type="release")
    create_flag(admin_client, "beta", type="experiment", description="Beta_50% rollout")
    create_flag(admin_client, "gamma", project="shop", description="New Checkout page")
    create_flag(admin_client, "omega")
    stale = admin_client.patch(
        features_url("default", "beta"), json=[{"op": "replace", "path": "/stale", "value": True}]
    )
    assert stale.status_code == 200, stale.text
    for flag, value in (("alpha", "team-a"), ("beta", "team-a"), ("beta", "team-b")):
        tagged = admin_client.post(
            f"/api/admin/features/{flag}/tags", json={"type": "simple", "value": value}
        )
        assert tagged.status_code == 201, tagged.text
    assert admin_client.delete(features_url("default", "omega")).status_code == 202
    for day, flag in enumerate(("alpha", "beta", "gamma", "omega"), start=1):
        set_created(context, flag, datetime(2024, 1, day, 12, tzinfo=UTC))


@pytest.mark.usefixtures("flags")
def test_search__no_filters__active_flags_oldest_first_with_total(
    admin_client: TestClient,
) -> None:
    body = admin_client.get(SEARCH).json()
    assert [f["name"] for f in body["features"]] == ["alpha", "beta", "gamma"]
    assert body["total"] == 3


def test_search__flag_shape__environments_tags_segments_dependency_creator(
    admin_client: TestClient,
) -> None:
    create_flag(admin_client, "parent")
    create_flag(admin_client, "child")
    segment = admin_client.post(
        "/api/admin/segments", json={"name": "beta-users", "constraints": []}
    ).json()
    add_strategy(admin_client, "parent", segments=[segment["id"]])
    assert admin_client.post(env_url("parent") + "/on").status_code == 200
    deps = admin_client.post(
        features_url("default", "child", "dependencies"), json={"feature": "parent"}
    )
    assert deps.status_code == 200, deps.text
    admin_client.post("/api/admin/features/parent/tags", json={"type": "simple", "value": "ui"})
    body = admin_client.get(f"{SEARCH}?sortBy=name").json()
    child, parent = body["features"]
    assert child["dependencyType"] == "child"
    assert parent["dependencyType"] == "parent"
    assert parent["segments"] == ["beta-users"]
    assert parent["tags"] == [{"type": "simple", "value": "ui"}]
    assert parent["createdBy"]["name"] == "admin"
    assert set(parent) >= {
        "name", "description", "type", "project", "stale", "favorite", "impressionData",
        "createdAt", "archivedAt", "createdBy", "environments", "segments",
    }  # fmt: skip
    development = next(e for e in parent["environments"] if e["name"] == "development")
    assert development == {
        "name": "development",
        "enabled": True,
        "type": "development",
        "sortOrder": development["sortOrder"],
        "variantCount": 0,
        "lastSeenAt": None,
        "hasStrategies": True,
        "hasEnabledStrategies": True,
        "yes": 0,
        "no": 0,
        "changeRequestIds": [],
    }
    production = next(e for e in parent["environments"] if e["name"] == "production")
    assert (production["enabled"], production["hasStrategies"]) == (False, False)


@pytest.mark.usefixtures("flags")
@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ("query=ALP", ["alpha"]),
        ("query=checkout", ["gamma"]),
        ("query=alp,gam", ["alpha", "gamma"]),
        ("query=50%25", ["beta"]),
        ("query=l_h", []),
        ("query=%25", ["beta"]),
        ("project=IS:default", ["alpha", "beta"]),
        ("project=IS_ANY_OF:shop,nosuch", ["gamma"]),
        ("project=IS_NOT:default", ["gamma"]),
        ("project=IS_NONE_OF:default,shop", []),
        ("type=IS:experiment", ["beta"]),
        ("type=IS_NOT:experiment", ["alpha", "gamma"]),
        ("tag=INCLUDE:simple:team-a", ["alpha", "beta"]),
        ("tag=INCLUDE_ANY_OF:simple:team-b,simple:nope", ["beta"]),
        ("tag=INCLUDE_ALL_OF:simple:team-a,simple:team-b", ["beta"]),
        ("tag=DO_NOT_INCLUDE:simple:team-b", ["alpha", "gamma"]),
        ("tag=EXCLUDE_IF_ANY_OF:simple:team-a,simple:team-b", ["gamma"]),
        ("tag=EXCLUDE_ALL:simple:team-a,simple:team-b", ["alpha", "gamma"]),
        ("state=IS:stale", ["beta"]),
        ("state=IS:active", ["alpha", "gamma"]),
        ("state=IS_NOT:stale", ["alpha", "gamma"]),
        ("state=IS_ANY_OF:stale,active", ["alpha", "beta", "gamma"]),
        ("state=IS:potentially-stale", ["alpha", "gamma"]),  # from 2024, not marked stale
        ("createdAt=IS_BEFORE:2024-01-02", ["alpha"]),
        ("createdAt=IS_ON_OR_AFTER:2024-01-02", ["beta", "gamma"]),
        ("archived=IS:true", ["omega"]),
        ("archived=IS:false", ["alpha", "beta", "gamma"]),
        ("favorite=IS:true", []),
        ("favorite=IS:false", ["alpha", "beta", "gamma"]),
        ("status=development:disabled&status=production:enabled", ["alpha", "beta", "gamma"]),
        ("status=development:enabled", []),
        ("project=IS:default&state=IS:active&query=a", ["alpha"]),
    ],
)
def test_search__filters(admin_client: TestClient, params: str, expected: list[str]) -> None:
    assert names(admin_client, params) == expected


@pytest.mark.usefixtures("flags")
@pytest.mark.parametrize(
    ("state", "expected"),
    [
        ("IS:potentially-stale", ["alpha", "gamma"]),
        ("IS_NOT:potentially-stale", ["beta", "fresh"]),
        ("IS_ANY_OF:stale,potentially-stale", ["alpha", "beta", "gamma"]),
        ("IS_NONE_OF:stale,potentially-stale", ["fresh"]),
        ("IS_ANY_OF:active,potentially-stale", ["alpha", "gamma", "fresh"]),
        ("IS_NOT:active,potentially-stale", ["beta"]),
        ("IS_ANY_OF:stale,active,potentially-stale", ["alpha", "beta", "gamma", "fresh"]),
        ("IS_NONE_OF:stale,active,potentially-stale", []),
    ],
)
def test_search__potentially_stale__older_than_the_type_lifetime_and_not_stale(
    admin_client: TestClient, state: str, expected: list[str]
) -> None:
    create_flag(admin_client, "fresh", type="release")  # created now: within its 40 days

    assert names(admin_client, f"state={state}") == expected


@pytest.mark.usefixtures("flags")
def test_search__potentially_stale__follows_a_changed_type_lifetime(
    admin_client: TestClient,
) -> None:
    lifetime = "/api/admin/feature-types/release/lifetime"

    assert admin_client.put(lifetime, json={"lifetimeDays": None}).status_code == 200
    assert names(admin_client, "state=IS:potentially-stale") == []

    assert admin_client.put(lifetime, json={"lifetimeDays": 5000}).status_code == 200
    assert names(admin_client, "state=IS:potentially-stale") == []  # 2024 is not 5,000 days ago

    assert admin_client.put(lifetime, json={"lifetimeDays": 1}).status_code == 200
    assert names(admin_client, "state=IS:potentially-stale") == ["alpha", "gamma"]


@pytest.mark.usefixtures("flags")
@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ("lifecycle=IS:completed", ["beta"]),
        ("lifecycle=IS:initial", ["alpha", "gamma"]),
        ("lifecycle=IS_NOT:initial", ["beta"]),
        ("lifecycle=IS_ANY_OF:initial,completed", ["alpha", "beta", "gamma"]),
        ("lifecycle=IS_NONE_OF:initial,completed", []),
        ("lifecycle=IS:live", []),
        ("archived=IS:true&lifecycle=IS:archived", ["omega"]),
    ],
)
def test_search__lifecycle_filter__by_the_furthest_stage(
    admin_client: TestClient, params: str, expected: list[str]
) -> None:
    completed = admin_client.post(
        features_url("default", "beta") + "/lifecycle/complete", json={"status": "kept"}
    )
    assert completed.status_code == 200, completed.text

    assert names(admin_client, params) == expected


@pytest.mark.usefixtures("flags")
def test_search__lifecycle_shown_per_flag(admin_client: TestClient) -> None:
    admin_client.post(
        features_url("default", "beta") + "/lifecycle/complete", json={"status": "discarded"}
    )

    found = admin_client.get(SEARCH).json()["features"]

    stages = {f["name"]: f["lifecycle"] for f in found}
    assert stages["alpha"]["stage"] == "initial"
    assert "status" not in stages["alpha"]
    assert (stages["beta"]["stage"], stages["beta"]["status"]) == ("completed", "discarded")
    assert stages["beta"]["enteredStageAt"].endswith("Z")


@pytest.mark.usefixtures("flags")
@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ("sortBy=name&sortOrder=desc", ["gamma", "beta", "alpha"]),
        ("sortBy=createdAt&sortOrder=desc", ["gamma", "beta", "alpha"]),
        ("sortBy=type", ["beta", "alpha", "gamma"]),
        ("sortBy=stale&sortOrder=desc", ["beta", "alpha", "gamma"]),
        ("sortBy=project&sortOrder=desc", ["gamma", "alpha", "beta"]),
        ("sortBy=lastSeenAt", ["alpha", "beta", "gamma"]),
        ("sortBy=whatever", ["alpha", "beta", "gamma"]),
    ],
)
def test_search__sorting(admin_client: TestClient, params: str, expected: list[str]) -> None:
    assert names(admin_client, params) == expected


@pytest.mark.usefixtures("flags")
def test_search__sort_by_environment__enabled_first_when_descending(
    admin_client: TestClient,
) -> None:
    assert admin_client.post(env_url("beta") + "/on").status_code == 200
    order = "sortBy=environment:development&sortOrder="
    assert names(admin_client, order + "desc") == ["beta", "alpha", "gamma"]
    assert names(admin_client, order + "asc") == ["alpha", "gamma", "beta"]


@pytest.mark.usefixtures("flags")
def test_search__offset_limit__page_and_full_total(admin_client: TestClient) -> None:
    body = admin_client.get(f"{SEARCH}?offset=1&limit=1").json()
    assert ([f["name"] for f in body["features"]], body["total"]) == (["beta"], 3)
    body = admin_client.get(f"{SEARCH}?offset=10").json()
    assert (body["features"], body["total"]) == ([], 3)


@pytest.fixture
def private_shop(admin_client: TestClient, context: AppContext) -> None:
    make_project(context, "shop")
    create_flag(admin_client, "open-flag")
    create_flag(admin_client, "secret-flag", project="shop")
    response = admin_client.put(
        "/api/admin/projects/shop", json={"name": "Shop", "mode": "private"}
    )
    assert response.status_code == 200, response.text


@pytest.mark.usefixtures("private_shop")
def test_search__private_project__only_members_and_admins_see_its_flags(
    admin_client: TestClient, context: AppContext, new_client: Callable[[], TestClient]
) -> None:
    viewer = make_caller(context, new_client, "Viewer")
    member = make_caller(context, new_client, "Viewer", {"shop": MEMBER_ROLE_ID})
    assert names(viewer.client) == ["open-flag"]
    assert names(viewer.client, "project=IS:shop") == []
    assert viewer.client.get(SEARCH).json()["total"] == 1
    assert names(member.client) == ["open-flag", "secret-flag"]
    assert names(admin_client) == ["open-flag", "secret-flag"]


@pytest.mark.usefixtures("private_shop")
@pytest.mark.parametrize(
    ("kind", "seen"),
    [
        ("viewer", ["open-flag"]),
        ("editor", ["open-flag"]),
        ("service-viewer", ["open-flag"]),
        ("admin-token", ["open-flag", "secret-flag"]),
    ],
)
def test_search__kinds_of_account__200_limited_to_visible(
    kind: str,
    seen: list[str],
    context: AppContext,
    admin_client: TestClient,
    new_client: Callable[[], TestClient],
) -> None:
    assert names(make_kind(kind, context, admin_client, new_client)) == seen


@pytest.mark.parametrize("kind", ["client-token", "frontend-token"])
def test_search__sdk_tokens__403(
    kind: str,
    context: AppContext,
    admin_client: TestClient,
    new_client: Callable[[], TestClient],
) -> None:
    assert_error(make_kind(kind, context, admin_client, new_client).get(SEARCH), 403)


def test_search__anonymous__401(client: TestClient) -> None:
    assert_error(client.get(SEARCH), 401)


@pytest.mark.parametrize(
    "params",
    [
        "project=default",
        "project=IS:",
        "project=LIKE:default",
        "type=INCLUDE:release",
        "tag=INCLUDE:simple",
        "tag=INCLUDE::x",
        "tag=IS:simple:a",
        "segment=IS:s",
        "state=IS:foo",
        "createdAt=IS_BEFORE:2020-13-45",
        "createdAt=IS_BEFORE:yesterday",
        "createdAt=IS:2020-01-01",
        "lastSeenAt=IS_BEFORE:2020-1-1",
        "createdBy=IS:bob",
        "createdBy=IS:9999999999",
        "createdBy=IS_ANY_OF:1,-2147483648",
        "favorite=IS:maybe",
        "status=production",
        "status=production:on",
        "archived=IS:maybe",
        "archived=true",
        "lifecycle=IS:someday",
        "sortOrder=up",
        "limit=0",
        "limit=101",
        "limit=abc",
        "offset=-1",
        "offset=99999999999",
        "query=" + "x" * 5_001,
        "sortBy=" + "x" * 201,
        "query=a%00b",
        "project=IS:%00",
        "status=%00:enabled",
        "sortBy=environment:%00",
    ],
)
def test_search__bad_parameters__400(admin_client: TestClient, params: str) -> None:
    assert_error(admin_client.get(f"{SEARCH}?{params}"), 400)


def test_search__created_by_filter(
    admin_client: TestClient, context: AppContext, new_client: Callable[[], TestClient]
) -> None:
    create_flag(admin_client, "by-admin")
    editor = make_caller(context, new_client, "Editor")
    create_flag(editor.client, "by-editor")
    assert names(admin_client, f"createdBy=IS:{editor.id}") == ["by-editor"]
    assert names(admin_client, f"createdBy=IS_NOT:{editor.id}") == ["by-admin"]


def test_search__recent_metrics_counted(admin_client: TestClient, context: AppContext) -> None:
    create_flag(admin_client, "measured")
    now = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    with context.database.transaction() as session:
        session.add(
            ClientMetric(
                feature_name="measured",
                app_name="web",
                environment="development",
                timestamp=now,
                yes=7,
                no=3,
            )
        )
        session.add(
            ClientMetric(
                feature_name="measured",
                app_name="web",
                environment="development",
                timestamp=datetime(2020, 1, 1, tzinfo=UTC),
                yes=100,
                no=100,
            )
        )
    [flag] = admin_client.get(SEARCH).json()["features"]
    development: dict[str, Any] = next(
        e for e in flag["environments"] if e["name"] == "development"
    )
    assert (development["yes"], development["no"]) == (7, 3)
