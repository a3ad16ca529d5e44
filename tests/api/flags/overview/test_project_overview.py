"""A project's overview, health report, flag creators and status."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update

from flagstaff.core.db import utcnow
from flagstaff.flags.features.models import (
    Feature,
    FeatureEnvironment,
    FeatureLifecycleStage,
)
from flagstaff.flags.overview.service import Health
from flagstaff.http.context import AppContext
from tests.api.credentials.api_tokens.helpers import create_via_api
from tests.api.flags.caller_kinds import make_kind
from tests.api.flags.support import (
    assert_error,
    create_flag,
    env_url,
    make_project,
    report,
    snapshot,
)
from tests.factories import UserHandle

BASE = "/api/admin/projects/{project}/"
FLAGS = "/api/admin/projects/default/features"
PAGES = ("overview", "health-report", "flag-creators", "status")


def url(page: str, project: str = "default") -> str:
    return BASE.format(project=project) + page


def _age(context: AppContext, name: str, days: int) -> None:
    with context.database.transaction() as session:
        session.execute(
            update(Feature)
            .where(Feature.name == name)
            .values(created_at=utcnow() - timedelta(days=days))
        )


def _seen(context: AppContext, name: str, environment: str) -> None:
    with context.database.transaction() as session:
        session.execute(
            update(FeatureEnvironment)
            .where(
                FeatureEnvironment.feature_name == name,
                FeatureEnvironment.environment == environment,
            )
            .values(last_seen_at=utcnow())
        )


def _flags(admin_client: TestClient, context: AppContext) -> None:
    """fresh (release, new), old (release, 50 days: potentially stale), marked (stale),
    switch (kill-switch, 400 days: permanent, never potentially stale), gone (archived)."""
    create_flag(admin_client, "fresh")
    create_flag(admin_client, "old")
    create_flag(admin_client, "marked", type="experiment")
    create_flag(admin_client, "switch", type="kill-switch")
    create_flag(admin_client, "gone")
    _age(context, "old", 50)
    _age(context, "switch", 400)
    marked = "/api/admin/projects/default/features/marked"
    stale = admin_client.patch(marked, json=[{"op": "replace", "path": "/stale", "value": True}])
    assert stale.status_code == 200, stale.text
    archived = admin_client.delete("/api/admin/projects/default/features/gone")
    assert archived.status_code == 202, archived.text


@pytest.mark.parametrize(
    ("active", "stale", "potentially", "rating"),
    [(0, 0, 0, 100), (4, 1, 1, 60), (3, 0, 0, 100), (1, 1, 0, 50), (2, 1, 0, 67), (8, 0, 1, 88)],
)
def test_health_rating__unleash_rule(
    active: int, stale: int, potentially: int, rating: int
) -> None:
    assert Health(active, stale, potentially).rating == rating


def test_overview__fresh_project__unleash_shape(admin_client: TestClient) -> None:
    response = admin_client.get(url("overview"))
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["version"] == 1
    assert body["name"] == "Default"
    assert body["mode"] == "open"
    assert body["defaultStickiness"] == "default"
    assert body["featureLimit"] is None
    assert body["environments"] == [{"environment": "development"}, {"environment": "production"}]
    assert body["featureTypeCounts"] == []
    assert body["onboardingStatus"] == {"status": "onboarding-started"}
    assert body["health"] == 100
    assert body["technicalDebt"] == 0
    assert body["members"] == 0
    assert set(body["stats"]) == {
        "avgTimeToProdCurrentWindow",
        "createdCurrentWindow",
        "createdPastWindow",
        "archivedCurrentWindow",
        "archivedPastWindow",
        "projectActivityCurrentWindow",
        "projectActivityPastWindow",
        "projectMembersAddedCurrentWindow",
    }


def test_overview__flags__type_counts_health_stats(
    admin_client: TestClient, context: AppContext
) -> None:
    _flags(admin_client, context)
    body = admin_client.get(url("overview")).json()
    assert body["featureTypeCounts"] == [
        {"type": "experiment", "count": 1},
        {"type": "kill-switch", "count": 1},
        {"type": "release", "count": 2},
    ]
    # 4 active flags: 1 stale, 1 potentially stale -> 100 - 25 - 25.
    assert body["health"] == 50
    assert body["technicalDebt"] == 50
    assert body["onboardingStatus"] == {"status": "first-flag-created", "feature": "switch"}
    assert body["stats"]["createdCurrentWindow"] == 3  # fresh, marked, gone
    assert body["stats"]["createdPastWindow"] == 1  # old
    assert body["stats"]["archivedCurrentWindow"] == 1
    assert body["stats"]["projectActivityCurrentWindow"] >= 7


def test_overview__sdk_saw_a_flag__sdk_connected_then_onboarded(
    admin_client: TestClient, context: AppContext
) -> None:
    create_flag(admin_client, "seen")
    _seen(context, "seen", "development")
    assert admin_client.get(url("overview")).json()["onboardingStatus"] == {
        "status": "sdk-connected"
    }
    assert admin_client.post(env_url("seen") + "/on").status_code == 200
    assert admin_client.get(url("overview")).json()["onboardingStatus"] == {"status": "onboarded"}


def test_health_report__counts_and_features(admin_client: TestClient, context: AppContext) -> None:
    _flags(admin_client, context)
    body = admin_client.get(url("health-report")).json()
    assert (body["activeCount"], body["staleCount"], body["potentiallyStaleCount"]) == (3, 1, 1)
    assert body["health"] == 50
    assert sorted(f["name"] for f in body["features"]) == ["fresh", "marked", "old", "switch"]
    feature = next(f for f in body["features"] if f["name"] == "marked")
    assert feature["stale"] is True
    assert [e["name"] for e in feature["environments"]] == ["development", "production"]
    assert body["members"] == 0
    assert body["mode"] == "open"


def test_flag_creators__accounts_and_admin_token(
    admin_client: TestClient,
    admin: UserHandle,
    context: AppContext,
    new_client: Callable[[], TestClient],
) -> None:
    create_flag(admin_client, "by-admin")
    token = make_kind("admin-token", context, admin_client, new_client)
    assert token.post("/api/admin/projects/default/features", json={"name": "t"}).status_code == 201
    viewer = make_kind("editor", context, admin_client, new_client)
    assert (
        viewer.post("/api/admin/projects/default/features", json={"name": "e"}).status_code == 201
    )
    archived = viewer.delete("/api/admin/projects/default/features/e")
    assert archived.status_code == 202  # an archived flag's creator is not listed
    body = admin_client.get(url("flag-creators")).json()
    assert body == [
        {"id": -42, "name": "Unleash Admin Token User"},
        {"id": admin.id, "name": "admin"},
    ]


def test_flag_creators__no_flags__empty(admin_client: TestClient) -> None:
    assert admin_client.get(url("flag-creators")).json() == []


def test_status__fresh_project__zeros(admin_client: TestClient) -> None:
    body = admin_client.get(url("status")).json()
    assert body == {
        "resources": {"members": 0, "apiTokens": 0, "segments": 0},
        "activityCountByDate": [],
        "health": {"current": 100},
        "technicalDebt": {"current": 0},
        "lifecycleSummary": {
            "initial": {"averageDays": None, "currentFlags": 0},
            "preLive": {"averageDays": None, "currentFlags": 0},
            "live": {"averageDays": None, "currentFlags": 0},
            "completed": {"averageDays": None, "currentFlags": 0},
            "archived": {"currentFlags": 0, "last30Days": 0},
        },
        "staleFlags": {"total": 0},
    }


def test_status__flags_tokens_segments_activity(
    admin_client: TestClient, context: AppContext
) -> None:
    _flags(admin_client, context)
    on = "/api/admin/projects/default/features/fresh/environments/production/on"
    assert admin_client.post(on).status_code == 200
    report(context, admin_client, "production", "fresh")
    report(context, admin_client, "development", "old")
    create_via_api(admin_client, projects=["default"])
    create_via_api(admin_client, tokenName="all")  # every project: not the project's own
    segment = {"name": "beta", "project": "default", "constraints": []}
    assert admin_client.post("/api/admin/segments", json=segment).status_code == 201
    body = admin_client.get(url("status")).json()
    assert body["resources"] == {"members": 0, "apiTokens": 1, "segments": 1}
    assert body["health"] == {"current": 50}
    assert body["technicalDebt"] == {"current": 50}
    assert body["staleFlags"] == {"total": 2}
    summary = body["lifecycleSummary"]
    assert summary["initial"]["currentFlags"] == 2
    assert summary["preLive"]["currentFlags"] == 1
    assert summary["live"]["currentFlags"] == 1
    assert summary["archived"] == {"currentFlags": 1, "last30Days": 1}
    (today,) = body["activityCountByDate"]
    assert today["date"] == utcnow().strftime("%Y-%m-%d")
    assert today["count"] >= 7


def test_status__other_projects_not_counted(admin_client: TestClient, context: AppContext) -> None:
    make_project(context, "other")
    create_flag(admin_client, "elsewhere", project="other")
    body = admin_client.get(url("status")).json()
    assert body["activityCountByDate"] == []
    assert admin_client.get(url("overview")).json()["featureTypeCounts"] == []
    assert admin_client.get(url("overview", "other")).json()["featureTypeCounts"] == [
        {"type": "release", "count": 1}
    ]


@pytest.mark.parametrize("page", PAGES)
def test_pages__unknown_project__404(admin_client: TestClient, page: str) -> None:
    assert_error(admin_client.get(url(page, "no-such-project")), 404, "No project found")


@pytest.mark.parametrize("page", PAGES)
def test_pages__too_long_project_id__400(admin_client: TestClient, page: str) -> None:
    assert_error(admin_client.get(url(page, "p" * 101)), 400)


@pytest.mark.parametrize("page", PAGES)
def test_pages__anonymous__401(client: TestClient, page: str) -> None:
    assert client.get(url(page)).status_code == 401


@pytest.mark.parametrize(
    ("kind", "status"),
    [
        ("admin", 200),
        ("editor", 200),
        ("viewer", 200),
        ("service-viewer", 200),
        ("service-admin", 200),
        ("admin-token", 200),
        ("client-token", 403),
        ("frontend-token", 403),
    ],
)
@pytest.mark.parametrize("page", PAGES)
def test_pages__by_caller__any_account_reads_sdk_tokens_refused(
    page: str,
    kind: str,
    status: int,
    context: AppContext,
    admin_client: TestClient,
    new_client: Callable[[], TestClient],
) -> None:
    caller = make_kind(kind, context, admin_client, new_client)
    before = snapshot(context)
    response = caller.get(url(page))
    assert response.status_code == status, response.text
    if status == 403:
        assert response.json()["name"] == "InvalidTokenError"
    assert snapshot(context) == before


def test_status__lifecycle__completed_and_average_days_in_a_stage(
    admin_client: TestClient, context: AppContext
) -> None:
    create_flag(admin_client, "done")
    create_flag(admin_client, "waiting")
    completed = admin_client.post(
        "/api/admin/projects/default/features/done/lifecycle/complete", json={"status": "kept"}
    )
    assert completed.status_code == 200, completed.text
    with context.database.transaction() as session:  # "done" was created three days earlier
        session.execute(
            update(FeatureLifecycleStage)
            .where(
                FeatureLifecycleStage.feature_name == "done",
                FeatureLifecycleStage.stage == "initial",
            )
            .values(created_at=utcnow() - timedelta(days=3))
        )

    summary = admin_client.get(url("status")).json()["lifecycleSummary"]

    assert summary["completed"]["currentFlags"] == 1
    assert summary["initial"]["currentFlags"] == 1
    assert summary["initial"]["averageDays"] == pytest.approx(3, abs=0.1)
    assert summary["completed"]["averageDays"] is None  # no flag has left it
