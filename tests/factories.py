"""Factories: make what a test needs through the real services, committed."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from fastapi.testclient import TestClient

from flagstaff.accounts.models import Account
from flagstaff.accounts.service import AccountService, NewUser
from flagstaff.events.service import SYSTEM
from flagstaff.http.context import AppContext

PASSWORD = "Corr3ct-Horse!"
_counter = itertools.count(1)


@dataclass
class UserHandle:
    id: int
    username: str
    password: str


def make_user(
    context: AppContext,
    *,
    role: int | str = "Viewer",
    username: str | None = None,
    email: str | None = None,
    password: str | None = PASSWORD,
    name: str | None = None,
) -> UserHandle:
    username = username or f"user{next(_counter)}"
    with context.database.transaction() as session:
        account = AccountService(session, context.passwords).create_user(
            SYSTEM,
            None,
            NewUser(username=username, email=email, name=name, password=password, root_role=role),
        )
        account_id = account.id
    return UserHandle(account_id, username, password or "")


def get_account(context: AppContext, account_id: int) -> Account | None:
    with context.database.session(write=False) as session:
        return session.get(Account, account_id)


def login(client: TestClient, username: str, password: str = PASSWORD) -> TestClient:
    response = client.post("/auth/simple/login", json={"username": username, "password": password})
    assert response.status_code == 200, response.text
    return client
