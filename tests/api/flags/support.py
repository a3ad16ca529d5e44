"""Factories and probes for flag tests: make through the real services, read the database."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import func, select

from flagstaff.applications.state import metrics_buffer
from flagstaff.core import revision
from flagstaff.events.models import Event
from flagstaff.events.service import SYSTEM
from flagstaff.flags.features.models import Feature, FeatureDependency, FeatureEnvironment
from flagstaff.flags.projects.models import Project, ProjectEnvironment
from flagstaff.flags.projects.service import ProjectFields, ProjectService
from flagstaff.flags.segments.models import Segment
from flagstaff.flags.strategies.models import (
    FeatureStrategy,
    FeatureStrategySegment,
    StrategyDefinition,
)
from flagstaff.flags.tags.models import FeatureTag
from flagstaff.http.context import AppContext
from flagstaff.rbac.models import ProjectRoleAssignment
from tests.api.credentials.api_tokens.helpers import auth, make_api_token
from tests.factories import login, make_user

FEATURES = "/api/admin/projects/{project}/features"
TABLES: tuple[type[Any], ...] = (
    Project,
    ProjectEnvironment,
    Feature,
    FeatureEnvironment,
    FeatureStrategy,
    FeatureStrategySegment,
    FeatureDependency,
    FeatureTag,
    Segment,
    StrategyDefinition,
    ProjectRoleAssignment,
    Event,
)


def features_url(project: str = "default", *parts: str) -> str:
    return "/".join([FEATURES.format(project=project), *parts])


def env_url(feature: str, env: str = "development", project: str = "default") -> str:
    return features_url(project, feature, "environments", env)


def seed_environment_variants(
    client: TestClient,
    feature: str,
    variants: list[dict[str, Any]],
    env: str = "development",
    project: str = "default",
) -> None:
    """Variants on one environment, the way Unleash 8 still takes them for a flag that has
    none (its environment-level PUT and PATCH refuse such a flag)."""
    response = client.put(
        features_url(project, feature, "variants-batch"),
        json={"variants": variants, "environments": [env]},
    )
    assert response.status_code == 200, response.text


def snapshot(context: AppContext) -> dict[str, Any]:
    """Row counts of every flag table and the revision: equal before and after a refused write."""
    with context.database.session(write=False) as session:
        counts: dict[str, Any] = {
            table.__tablename__: session.execute(
                select(func.count()).select_from(table)
            ).scalar_one()
            for table in TABLES
        }
        counts["revision"] = revision.read(session)
        return counts


def events(context: AppContext, type_: str | None = None) -> list[Event]:
    with context.database.session(write=False) as session:
        query = select(Event).order_by(Event.id)
        if type_ is not None:
            query = query.where(Event.type == type_)
        return list(session.scalars(query))


def make_project(context: AppContext, project_id: str, name: str | None = None) -> None:
    with context.database.transaction() as session:
        ProjectService(session).create(
            SYSTEM, None, project_id, ProjectFields(name=name or project_id.title()), None
        )


def grant(context: AppContext, account_id: int, project: str, role_id: int) -> None:
    with context.database.transaction() as session:
        session.add(ProjectRoleAssignment(account_id=account_id, project=project, role_id=role_id))
        session.flush()
        revision.bump(session)


@dataclass
class Caller:
    id: int
    client: TestClient


def make_caller(
    context: AppContext,
    new_client: Callable[[], TestClient],
    role: int | str = "Viewer",
    projects: dict[str, int] | None = None,
) -> Caller:
    """A logged-in user with a root role and project roles (project -> role id)."""
    user = make_user(context, role=role)
    for project, role_id in (projects or {}).items():
        grant(context, user.id, project, role_id)
    return Caller(user.id, login(new_client(), user.username, user.password))


def create_flag(client: TestClient, name: str, project: str = "default", **body: Any) -> None:
    response = client.post(features_url(project), json={"name": name, **body})
    assert response.status_code == 201, response.text


def add_strategy(
    client: TestClient,
    feature: str,
    env: str = "development",
    project: str = "default",
    **body: Any,
) -> dict[str, Any]:
    response = client.post(
        env_url(feature, env, project) + "/strategies", json={"name": "default", **body}
    )
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


def assert_error(response: Response, status: int, *fragments: str) -> dict[str, Any]:
    """Unleash's error body with that status, its message naming each fragment."""
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    assert set(body) >= {"id", "name", "message", "details"}
    text = body["message"] + " ".join(d.get("message", "") for d in body["details"])
    for fragment in fragments:
        assert fragment in text, text
    return body


def report(
    context: AppContext,
    client: TestClient,
    environment: str,
    *flags: str,
    token: str | None = None,
) -> None:
    """An SDK in ``environment`` reports ``flags``; the buffer is then written."""
    headers = auth(token or make_api_token(context, environment=environment, name="sdk"))
    body = {
        "appName": "shop",
        "instanceId": "pod-1",
        "bucket": {
            "start": "2026-11-27T10:05:00Z",
            "stop": "2026-11-27T10:15:00Z",
            "toggles": {name: {"yes": 1, "no": 0} for name in flags},
        },
    }
    assert client.post("/api/client/metrics", json=body, headers=headers).status_code == 202
    metrics_buffer(context).flush()
    context.watcher.check_now()  # this process's caches follow at once, not at the next poll
