"""Concurrent creations of one name: one 201, one 409, one row and one event; never a 500."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient

from flagstaff.http.context import AppContext
from tests.api.flags.context.support import CONTEXT, at_once
from tests.api.flags.support import events
from tests.factories import login, make_user

ROUNDS = 4


def test_create__same_name_at_once__one_201_one_409(
    admin_client: TestClient, context: AppContext, new_client: Callable[[], TestClient]
) -> None:
    other = login(new_client(), make_user(context, role="Admin").username)
    for round_ in range(ROUNDS):
        body = {"name": f"twin{round_}"}
        responses = at_once((admin_client, "POST", CONTEXT, body), (other, "POST", CONTEXT, body))
        assert sorted(r.status_code for r in responses) == [201, 409]
    created = [e.data["name"] for e in events(context, "context-field-created")]
    assert created == [f"twin{i}" for i in range(ROUNDS)]
