"""Shortcuts for context-field tests."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from fastapi.testclient import TestClient
from httpx import Response

CONTEXT = "/api/admin/context"


def project_context(project: str = "default") -> str:
    return f"/api/admin/projects/{project}/context"


def create_field(
    client: TestClient, name: str = "tier", base: str = CONTEXT, **body: Any
) -> dict[str, Any]:
    response = client.post(base, json={"name": name, **body})
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


def get_field(client: TestClient, name: str) -> dict[str, Any]:
    response = client.get(f"{CONTEXT}/{name}")
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


def at_once(*requests: tuple[TestClient, str, str, dict[str, Any]]) -> list[Response]:
    """Send the requests from parallel threads, released together."""
    barrier = threading.Barrier(len(requests))

    def run(request: tuple[TestClient, str, str, dict[str, Any]]) -> Response:
        client, method, path, body = request
        barrier.wait()
        return client.request(method, path, json=body)

    with ThreadPoolExecutor(len(requests)) as pool:
        return list(pool.map(run, requests))
