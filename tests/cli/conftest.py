from __future__ import annotations

import itertools
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.cli.harness import Installation, postgres_database_url
from tests.db import create_schema, drop_schema, on_postgres

_schemas = itertools.count(1)


@contextmanager
def _installation(tmp_path: Path) -> Iterator[Installation]:
    """A fresh installation: an empty data directory and, on PostgreSQL, an empty schema.
    Every server started from it is stopped at the end, whatever the test did."""
    schema = None
    if on_postgres():
        worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
        schema = f"fs_cli_{worker}_{os.getpid()}_{next(_schemas)}"
        create_schema(schema)
    installation = Installation(tmp_path, postgres_database_url(schema) if schema else None)
    try:
        yield installation
    finally:
        installation.stop_all()
        if schema:
            drop_schema(schema)


@pytest.fixture
def install(tmp_path: Path) -> Iterator[Installation]:
    with _installation(tmp_path) as installation:
        yield installation
