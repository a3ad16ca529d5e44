"""Inactive users: listed and deleted by Admins; service accounts never; nothing written on
failure."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from flagstaff.core.db import utcnow
from flagstaff.credentials.account_tokens.models import AccountToken
from flagstaff.http.context import AppContext
from tests.api.accounts.support import (
    MAX_ID,
    assert_error,
    counts,
    events_of,
    load_account,
    make_service_account,
    set_account,
)
from tests.api.flags.caller_kinds import make_kind
from tests.factories import login, make_user

URL = "/api/admin/user-admin/inactive"
LONG_AGO = timedelta(days=200)


def old_user(context: AppContext, **kwargs: object) -> int:
    user = make_user(context, **kwargs)  # type: ignore[arg-type]
    set_account(context, user.id, created_at=utcnow() - LONG_AGO)
    return user.id


def add_pat(context: AppContext, account_id: int, seen_ago: timedelta) -> None:
    with context.database.transaction() as session:
        session.add(
            AccountToken(
                account_id=account_id,
                description=f"pat-{seen_ago.days}",
                digest=f"{account_id:064d}"[-64:],
                hint="user:x",
                expires_at=utcnow() + timedelta(days=30),
                seen_at=utcnow() - seen_ago,
            )
        )


def listed_ids(client: TestClient) -> list[int]:
    response = client.get(URL)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["version"] == 1
    return [u["id"] for u in body["inactiveUsers"]]


def test_inactive__who_is_listed(admin_client: TestClient, context: AppContext) -> None:
    never_seen = old_user(context, email="old@example.com", name="Old")
    seen_long_ago = old_user(context)
    set_account(context, seen_long_ago, seen_at=utcnow() - LONG_AGO)
    seen_lately = old_user(context)
    set_account(context, seen_lately, seen_at=utcnow() - timedelta(days=3))
    pat_used_lately = old_user(context)
    add_pat(context, pat_used_lately, timedelta(days=1))
    pat_used_long_ago = old_user(context)
    add_pat(context, pat_used_long_ago, LONG_AGO)
    make_user(context)  # created today
    robot = make_service_account(context)
    set_account(context, robot, created_at=utcnow() - LONG_AGO)

    assert listed_ids(admin_client) == [never_seen, seen_long_ago, pat_used_long_ago]
    first = admin_client.get(URL).json()["inactiveUsers"][0]
    assert set(first) == {"id", "name", "email", "username", "seenAt", "createdAt", "patSeenAt"}
    assert (first["email"], first["name"], first["seenAt"]) == ("old@example.com", "Old", None)
    last = admin_client.get(URL).json()["inactiveUsers"][-1]
    assert last["patSeenAt"].endswith("Z")


def test_delete__inactive_users__deleted_with_events(
    admin_client: TestClient, context: AppContext
) -> None:
    first, second = old_user(context), old_user(context)
    response = admin_client.post(URL + "/delete", json={"ids": [first, second, first]})
    assert response.status_code == 200, response.text
    assert response.content == b""
    assert load_account(context, first) is None
    assert load_account(context, second) is None
    deleted = events_of(context, "user-deleted")
    assert [e["preData"]["id"] for e in deleted] == [first, second]
    assert listed_ids(admin_client) == []


def test_delete__caller_own_id__skipped(
    context: AppContext, new_client: Callable[[], TestClient], admin_client: TestClient
) -> None:
    # The caller logs in (so is seen) but we age their row: their id is skipped, as Unleash.
    caller_id = old_user(context, role="Admin", username="old-admin")
    caller = login(new_client(), "old-admin")
    set_account(context, caller_id, seen_at=utcnow() - LONG_AGO)
    response = caller.post(URL + "/delete", json={"ids": [caller_id]})
    assert response.status_code == 200, response.text
    assert load_account(context, caller_id) is not None
    assert events_of(context, "user-deleted") == []


@pytest.mark.parametrize(
    ("make_target", "status", "name"),
    [
        ("active", 400, "BadDataError"),
        ("unknown", 404, "NotFoundError"),
        ("service", 404, "NotFoundError"),
    ],
)
def test_delete__one_bad_id__nothing_deleted(
    make_target: str, status: int, name: str, admin_client: TestClient, context: AppContext
) -> None:
    inactive = old_user(context)
    if make_target == "active":
        target = make_user(context).id
    elif make_target == "service":
        target = make_service_account(context)
        set_account(context, target, created_at=utcnow() - LONG_AGO)
    else:
        target = MAX_ID
    before = counts(context)
    response = admin_client.post(URL + "/delete", json={"ids": [inactive, target]})
    assert response.status_code == status, response.text
    assert_error(response.json(), name)
    assert counts(context) == before
    assert load_account(context, inactive) is not None
    assert events_of(context, "user-deleted") == []


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"ids": "x"},
        {"ids": [-1]},
        {"ids": [1.5]},
        {"ids": ["2"]},
        {"ids": [None]},
        {"ids": [MAX_ID + 1]},
        {"ids": [1], "extra": True},
        {"ids": list(range(1, 1002))},
        [],
        "ids",
    ],
)
def test_delete__bad_body__400_nothing_written(
    body: object, admin_client: TestClient, context: AppContext
) -> None:
    inactive = old_user(context)
    before = counts(context)
    response = admin_client.post(URL + "/delete", json=body)
    assert response.status_code == 400, response.text
    assert_error(response.json(), response.json()["name"])
    assert counts(context) == before
    assert load_account(context, inactive) is not None


def test_delete__empty_list__200_nothing_written(
    admin_client: TestClient, context: AppContext
) -> None:
    before = counts(context)
    assert admin_client.post(URL + "/delete", json={"ids": []}).status_code == 200
    assert counts(context) == before


def test_delete__not_json__415(admin_client: TestClient) -> None:
    response = admin_client.post(
        URL + "/delete", content="ids=1", headers={"content-type": "text/plain"}
    )
    assert response.status_code == 415


@pytest.mark.parametrize(
    "kind", ["editor", "viewer", "service-viewer", "client-token", "frontend-token"]
)
def test_inactive__unprivileged_caller__403_nothing_deleted(
    kind: str,
    context: AppContext,
    admin_client: TestClient,
    new_client: Callable[[], TestClient],
) -> None:
    inactive = old_user(context)
    caller = make_kind(kind, context, admin_client, new_client)
    assert caller.get(URL).status_code == 403
    before = counts(context)
    response = caller.post(URL + "/delete", json={"ids": [inactive]})
    assert response.status_code == 403, response.text
    assert_error(response.json(), response.json()["name"])
    assert counts(context) == before
    assert load_account(context, inactive) is not None


def test_delete__admin_api_token__deletes(
    context: AppContext, admin_client: TestClient, new_client: Callable[[], TestClient]
) -> None:
    inactive = old_user(context)
    caller = make_kind("admin-token", context, admin_client, new_client)
    assert caller.get(URL).json()["inactiveUsers"][0]["id"] == inactive
    assert caller.post(URL + "/delete", json={"ids": [inactive]}).status_code == 200
    assert load_account(context, inactive) is None
