"""No response and no event ever holds a password or a password hash."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient
from sqlalchemy import select

from flagstaff.accounts.models import Account
from flagstaff.http.context import AppContext
from tests.api.accounts.support import all_events_json
from tests.factories import PASSWORD, UserHandle, login

BASE = "/api/admin/user-admin"
FIRST = "Fir5t-Secret!x"
SECOND = "Sec0nd-Secret!y"
THIRD = "Th1rd-Secret!z"


def password_hashes(context: AppContext) -> list[str]:
    with context.database.session(write=False) as session:
        return [h for h in session.scalars(select(Account.password_hash)) if h]


def test_user_lifecycle__responses_and_events__hold_no_password(
    admin_client: TestClient,
    context: AppContext,
    admin: UserHandle,
    new_client: Callable[[], TestClient],
) -> None:
    responses = []

    created = admin_client.post(
        BASE,
        json={"username": "secretive", "email": "s@example.com", "password": FIRST, "rootRole": 3},
    )
    user_id = created.json()["id"]
    responses.append(created)
    responses.append(admin_client.put(f"{BASE}/{user_id}", json={"name": "S", "rootRole": 2}))
    responses.append(
        admin_client.post(f"{BASE}/{user_id}/change-password", json={"password": SECOND})
    )
    user = login(new_client(), "secretive", SECOND)
    responses.append(
        user.post(
            "/api/admin/user/change-password",
            json={"password": THIRD, "confirmPassword": THIRD, "oldPassword": SECOND},
        )
    )
    responses.append(user.get("/api/admin/user"))
    responses.append(
        admin_client.post("/auth/simple/login", json={"username": "admin", "password": PASSWORD})
    )
    for path in (BASE, f"{BASE}/{user_id}", f"{BASE}/search?q=s", f"{BASE}/access"):
        responses.append(admin_client.get(path))
    responses.append(admin_client.get("/api/admin/events"))
    responses.append(admin_client.get("/api/admin/search/events"))
    hashes = password_hashes(context)
    responses.append(admin_client.delete(f"{BASE}/{user_id}"))

    assert [r.status_code for r in responses if r.status_code >= 300] == []
    texts = [r.text for r in responses] + [all_events_json(context)]
    everything = "\n".join(texts)
    assert hashes
    for secret in (FIRST, SECOND, THIRD, PASSWORD, *hashes, "$argon2"):
        assert secret not in everything
    assert "passwordHash" not in everything
    assert "password_hash" not in everything
