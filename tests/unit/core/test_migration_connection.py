"""What a migration runs in: one transaction; on SQLite with foreign keys off until commit, so
that Alembic's batch mode (copy the table, drop the original) cascades no delete."""

from __future__ import annotations

import pytest
from alembic.migration import MigrationContext
from alembic.operations import Operations
from sqlalchemy import (
    Column,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    func,
    insert,
    select,
    text,
)

from flagstaff.core import migrate
from flagstaff.core.db import Database
from tests.db import on_postgres

pytestmark = pytest.mark.skipif(on_postgres(), reason="SQLite batch migrations")

METADATA = MetaData()
PARENT = Table("parent", METADATA, Column("id", Integer, primary_key=True))
CHILD = Table(
    "child",
    METADATA,
    Column("id", Integer, primary_key=True),
    Column("parent_id", ForeignKey("parent.id", ondelete="CASCADE"), nullable=False),
)


@pytest.fixture
def database(empty_database: Database) -> Database:
    METADATA.create_all(empty_database.engine)
    with empty_database.transaction() as session:
        session.execute(insert(PARENT).values(id=1))
        session.execute(insert(CHILD).values(id=1, parent_id=1))
    return empty_database


def _children(database: Database) -> int:
    with database.session(write=False) as session:
        return session.execute(select(func.count()).select_from(CHILD)).scalar_one()


def test_migration__batch_copy_of_a_referenced_table__keeps_the_referencing_rows(
    database: Database,
) -> None:
    with migrate.migration_connection(database) as connection:
        operations = Operations(MigrationContext.configure(connection))
        with operations.batch_alter_table("parent", recreate="always") as batch:
            batch.add_column(Column("label", String(20)))

    assert _children(database) == 1


def test_migration__leaves_a_broken_foreign_key__refused_and_rolled_back(
    database: Database,
) -> None:
    with (
        pytest.raises(migrate.MigrationError, match="child"),
        migrate.migration_connection(database) as connection,
    ):
        connection.execute(insert(CHILD).values(id=2, parent_id=99))

    assert _children(database) == 1


def test_migration__afterwards__connections_enforce_foreign_keys_again(
    database: Database,
) -> None:
    with migrate.migration_connection(database) as connection:
        assert connection.execute(text("PRAGMA foreign_keys")).scalar_one() == 0

    with database.session(write=True) as session:
        assert session.execute(text("PRAGMA foreign_keys")).scalar_one() == 1
