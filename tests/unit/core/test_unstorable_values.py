"""A value the database refuses as data becomes the caller's 400 in Unleash's shape, not a 500.

Routes validate first (tests/api/test_hostile_input.py sweeps them all); this is the net under
them, tested with a route that lets such a value through."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.exc import DataError

from flagstaff.core import http_errors


def test_data_error__escapes_a_route__400_bad_data() -> None:
    app = FastAPI()
    http_errors.install(app)

    @app.post("/store")
    def store() -> None:
        raise DataError("INSERT ...", {}, ValueError("NUL character"))

    response = TestClient(app, raise_server_exceptions=False).post("/store")
    assert response.status_code == 400
    body = response.json()
    assert body["name"] == "BadDataError"
    assert "cannot be stored" in body["message"]
