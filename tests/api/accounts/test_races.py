"""Concurrent requests cannot break the invariants: unique login names, at least one Admin."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select, update

from flagstaff.accounts.models import Account
from flagstaff.http.context import AppContext
from flagstaff.rbac.predefined import ADMIN_ROLE_ID, VIEWER_ROLE_ID
from tests.api.accounts.support import events_of
from tests.factories import login, make_user

BASE = "/api/admin/user-admin"
ROUNDS = 5


Request = tuple[TestClient, str, str, dict[str, Any] | None]


def at_once(*requests: Request) -> list[Any]:
    """Send the requests from parallel threads, released together."""
    barrier = threading.Barrier(len(requests))

    def run(request: Request) -> Any:
        client, method, path, body = request
        barrier.wait()
        return client.request(method, path, json=body)

    with ThreadPoolExecutor(len(requests)) as pool:
        return list(pool.map(run, requests))


def admins_who_can_log_in(context: AppContext) -> int:
    with context.database.session(write=False) as session:
        return session.execute(
            select(func.count()).where(
                Account.root_role_id == ADMIN_ROLE_ID,
                Account.is_service.is_(False),
                Account.password_hash.is_not(None),
            )
        ).scalar_one()


def test_create__same_username_at_once__one_201_one_400(
    admin_client: TestClient, context: AppContext, new_client: Callable[[], TestClient]
) -> None:
    other = login(new_client(), make_user(context, role="Admin").username)
    for round_ in range(ROUNDS):
        body = {"username": f"twin{round_}", "rootRole": 3}

        responses = at_once((admin_client, "POST", BASE, body), (other, "POST", BASE, body))

        assert sorted(r.status_code for r in responses) == [201, 400]
    created = [e["data"]["username"] for e in events_of(context, "user-created")]
    assert [f"twin{r}" for r in range(ROUNDS)] == [n for n in created if n.startswith("twin")]


def test_update__two_last_admins_demote_each_other__one_admin_left(
    context: AppContext, new_client: Callable[[], TestClient]
) -> None:
    for round_ in range(ROUNDS):
        # Only these two are Admins in this round.
        a = make_user(context, role="Admin", username=f"a{round_}")
        b = make_user(context, role="Admin", username=f"b{round_}")
        with context.database.transaction() as session:
            session.execute(
                update(Account)
                .where(Account.root_role_id == ADMIN_ROLE_ID, Account.id.not_in([a.id, b.id]))
                .values(root_role_id=VIEWER_ROLE_ID)
            )
        client_a, client_b = login(new_client(), a.username), login(new_client(), b.username)

        demote = {"rootRole": "Viewer"}
        responses = at_once(
            (client_a, "PUT", f"{BASE}/{b.id}", demote), (client_b, "PUT", f"{BASE}/{a.id}", demote)
        )

        assert sorted(r.status_code for r in responses) == [200, 403]
        assert admins_who_can_log_in(context) == 1


def test_delete__two_last_admins_delete_each_other__one_admin_left(
    context: AppContext, new_client: Callable[[], TestClient]
) -> None:
    for round_ in range(ROUNDS):
        a = make_user(context, role="Admin", username=f"a{round_}")
        b = make_user(context, role="Admin", username=f"b{round_}")
        with context.database.transaction() as session:
            session.execute(
                update(Account)
                .where(Account.root_role_id == ADMIN_ROLE_ID, Account.id.not_in([a.id, b.id]))
                .values(root_role_id=VIEWER_ROLE_ID)
            )
        client_a, client_b = login(new_client(), a.username), login(new_client(), b.username)

        responses = at_once(
            (client_a, "DELETE", f"{BASE}/{b.id}", None),
            (client_b, "DELETE", f"{BASE}/{a.id}", None),
        )

        assert sorted(r.status_code for r in responses)[0] == 200
        assert all(r.status_code in (200, 401, 403, 404) for r in responses)
        assert admins_who_can_log_in(context) == 1
