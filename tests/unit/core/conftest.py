"""An empty (unmigrated) database per test, on the engine the suite runs on."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from flagstaff.core.db import Database
from tests.db import create_schema, drop_schema, on_postgres, postgres_url


@pytest.fixture
def empty_database(tmp_path: Path) -> Iterator[Database]:
    if on_postgres():
        schema = f"fs_storage_{os.environ.get('PYTEST_XDIST_WORKER', 'main')}_{os.getpid()}"
        create_schema(schema)
        database = Database(postgres_url(schema))
    else:
        database = Database(f"sqlite:///{tmp_path / 'storage.db'}")
    yield database
    database.dispose()
    if on_postgres():
        drop_schema(schema)
