"""Concurrent writes cannot break the one-name-one-role invariant."""

from __future__ import annotations

import threading
from collections.abc import Callable

from fastapi.testclient import TestClient

from tests.api.roles.helpers import ROLES, create_role, event_types, role_body

THREADS = 10


def _race(clients: list[TestClient], send: Callable[[TestClient], int]) -> list[int]:
    barrier = threading.Barrier(len(clients))
    statuses: list[int] = []
    lock = threading.Lock()

    def run(client: TestClient) -> None:
        barrier.wait()
        status = send(client)
        with lock:
            statuses.append(status)

    threads = [threading.Thread(target=run, args=(client,)) for client in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return sorted(statuses)


def _admins(admin_client: TestClient, new_client: Callable[[], TestClient]) -> list[TestClient]:
    clients = []
    for _ in range(THREADS):
        client = new_client()
        client.cookies.update(admin_client.cookies)
        clients.append(client)
    return clients


def test_create_role__same_name_from_10_threads__exactly_one_role(
    admin_client: TestClient, new_client: Callable[[], TestClient]
) -> None:
    clients = _admins(admin_client, new_client)

    statuses = _race(
        clients,
        lambda c: c.post(ROLES, json=role_body("Contested", type_="root-custom")).status_code,
    )

    assert statuses == [200] + [409] * (THREADS - 1)
    roles = admin_client.get(ROLES).json()["roles"]
    assert [r["name"] for r in roles].count("Contested") == 1
    assert event_types(admin_client).count("role-created") == 1


def test_update_role__renamed_to_same_name_from_10_threads__names_stay_unique(
    admin_client: TestClient, new_client: Callable[[], TestClient]
) -> None:
    ids = [create_role(admin_client, f"Role {n}")["id"] for n in range(THREADS)]
    clients = _admins(admin_client, new_client)
    targets = iter(ids)
    lock = threading.Lock()

    def rename(client: TestClient) -> int:
        with lock:
            role_id = next(targets)
        return client.put(f"{ROLES}/{role_id}", json=role_body("Contested")).status_code

    statuses = _race(clients, rename)

    assert statuses == [200] + [409] * (THREADS - 1)
    names = [r["name"] for r in admin_client.get(ROLES).json()["roles"]]
    assert names.count("Contested") == 1
    assert len(names) == len(set(names))
    assert event_types(admin_client).count("role-updated") == 1
