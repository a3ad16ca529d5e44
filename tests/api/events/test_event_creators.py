"""``GET /api/admin/event-creators``: who has changed something, for the event log's filter."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from flagstaff.events.service import Actor
from flagstaff.http.context import AppContext
from flagstaff.rbac.principal import ADMIN_TOKEN_USER_ID, SYSTEM_USER_ID
from tests.api.events.helpers import record
from tests.api.flags.caller_kinds import UNPRIVILEGED, make_kind
from tests.api.flags.support import assert_error
from tests.factories import make_user

CREATORS = "/api/admin/event-creators"


def test_event_creators__distinct_by_user_with_display_names(
    admin_client: TestClient, context: AppContext
) -> None:
    named = make_user(context, username="dana", name="Dana Scully")
    plain = make_user(context, username="fox")
    before = {c["id"] for c in admin_client.get(CREATORS).json()}
    for actor in (
        Actor("dana@example.com", named.id),
        Actor("dana@example.com", named.id),
        Actor("fox", plain.id),
        Actor("admin-token", ADMIN_TOKEN_USER_ID),
        Actor("gone@example.com", 9_999),
        Actor("old-name", 9_999),
        Actor("nobody", None),
    ):
        record(context, "feature-created", actor=actor)
    creators = [c for c in admin_client.get(CREATORS).json() if c["id"] not in before]
    expected = {
        named.id: "Dana Scully",
        plain.id: "fox",
        ADMIN_TOKEN_USER_ID: "Unleash Admin Token",
        9_999: "old-name",
    }
    assert creators == [{"id": i, "name": expected[i]} for i in sorted(expected)]


def test_event_creators__system__named_as_unleash(
    admin_client: TestClient, context: AppContext
) -> None:
    record(context, "feature-created")
    creators = admin_client.get(CREATORS).json()
    assert {"id": SYSTEM_USER_ID, "name": "Unleash System"} in creators
    assert len({c["id"] for c in creators}) == len(creators)


@pytest.mark.parametrize("kind", [*UNPRIVILEGED, "editor"])
def test_event_creators__not_admin__403(
    kind: str,
    context: AppContext,
    admin_client: TestClient,
    new_client: Callable[[], TestClient],
) -> None:
    assert_error(make_kind(kind, context, admin_client, new_client).get(CREATORS), 403)


@pytest.mark.parametrize("kind", ["service-admin", "admin-token"])
def test_event_creators__admin_kinds__200(
    kind: str,
    context: AppContext,
    admin_client: TestClient,
    new_client: Callable[[], TestClient],
) -> None:
    response = make_kind(kind, context, admin_client, new_client).get(CREATORS)
    assert response.status_code == 200, response.text
    assert all(set(c) == {"id", "name"} for c in response.json())


def test_event_creators__anonymous__401(client: TestClient) -> None:
    assert_error(client.get(CREATORS), 401)
