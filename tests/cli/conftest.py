from __future__ import annotations

import fcntl
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


@contextmanager
def _cli_lock(tmp_path_factory: pytest.TempPathFactory, mode: int) -> Iterator[None]:
    """A lock every xdist worker of this run shares (in the run's base temporary directory):
    CLI tests hold it shared, a measurement holds it alone."""
    path = tmp_path_factory.getbasetemp().parent / "flagstaff-cli.lock"
    with path.open("a") as handle:
        fcntl.flock(handle, mode)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@pytest.fixture
def install(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Installation]:
    with _cli_lock(tmp_path_factory, fcntl.LOCK_SH), _installation(tmp_path) as installation:
        yield installation


@pytest.fixture
def install_alone(
    tmp_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Installation]:
    """An installation while no other CLI test runs a command or a server: for timing."""
    with _cli_lock(tmp_path_factory, fcntl.LOCK_EX), _installation(tmp_path) as installation:
        yield installation
