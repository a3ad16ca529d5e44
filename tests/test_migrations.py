"""The migrations and the models agree, and every migration can be undone and redone.

Each test starts from an empty database: a SQLite file, or a PostgreSQL schema of its own.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import Script, ScriptDirectory
from sqlalchemy import CheckConstraint, Connection, inspect, text

from flagstaff.core import migrate
from flagstaff.core.db import Database
from flagstaff.migrations.tables import Base
from tests.db import create_schema, drop_schema, on_postgres, postgres_url

SCRIPTS = ScriptDirectory.from_config(migrate.alembic_config())
# Oldest first, so a revision's parents come before it.
REVISIONS: list[Script] = list(reversed(list(SCRIPTS.walk_revisions("base", "heads"))))


@pytest.fixture
def database(tmp_path: Path) -> Iterator[Database]:
    if on_postgres():
        schema = f"fs_migr_{os.environ.get('PYTEST_XDIST_WORKER', 'main')}_{os.getpid()}"
        create_schema(schema)
        database = Database(postgres_url(schema))
    else:
        database = Database(f"sqlite:///{tmp_path / 'migrations.db'}")
    yield database
    database.dispose()
    if on_postgres():
        drop_schema(schema)


def _differences(database: Database) -> list[Any]:
    with database.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return list(compare_metadata(context, Base.metadata))


def _schema(database: Database) -> dict[str, Any]:
    """Everything a migration can create, in a form that compares."""
    with database.engine.connect() as connection:
        return _describe(connection)


def _describe(connection: Connection) -> dict[str, Any]:
    inspector = inspect(connection)
    tables = {
        table: {
            # Sorted: a downgrade that brings a dropped column back can only append it
            # (PostgreSQL has no way to insert one in the middle), and order means nothing.
            "columns": sorted(
                (c["name"], str(c["type"]), c["nullable"], str(c.get("default")))
                for c in inspector.get_columns(table)
            ),
            "primary key": inspector.get_pk_constraint(table),
            "foreign keys": sorted(map(repr, inspector.get_foreign_keys(table))),
            # A partial index carries its WHERE clause as an object: compared as text.
            "indexes": sorted(
                json.dumps(i, default=str, sort_keys=True) for i in inspector.get_indexes(table)
            ),
            "unique": sorted(map(repr, inspector.get_unique_constraints(table))),
            "checks": sorted(map(repr, inspector.get_check_constraints(table))),
        }
        for table in sorted(inspector.get_table_names())
        if table != "alembic_version"  # Alembic's bookkeeping, which downgrades do not remove
    }
    extras: dict[str, Any] = {}
    if connection.dialect.name == "postgresql":
        extras["sequences"] = sorted(inspector.get_sequence_names())
        extras["enums"] = sorted(map(repr, inspector.get_enums()))  # type: ignore[attr-defined]
    return {"tables": tables, **extras}


def _user_tables(database: Database) -> list[str]:
    return list(_schema(database)["tables"])


def test_migrations__upgrade_to_heads__database_matches_the_models(database: Database) -> None:
    migrate.upgrade(database)

    assert _differences(database) == []
    assert set(_user_tables(database)) == set(Base.metadata.tables)


def test_migrations__upgrade_to_heads__check_constraints_match_the_models(
    database: Database,
) -> None:
    """Alembic's comparison skips check constraints; compare their names here."""
    migrate.upgrade(database)

    with database.engine.connect() as connection:
        inspector = inspect(connection)
        in_database = {
            (table, check["name"])
            for table in Base.metadata.tables
            for check in inspector.get_check_constraints(table)
        }
    in_models = {
        (table.name, str(constraint.name))
        for table in Base.metadata.tables.values()
        for constraint in table.constraints
        if isinstance(constraint, CheckConstraint)
    }
    assert in_database == in_models


def test_migrations__downgrade_to_base_and_up_again__round_trips(database: Database) -> None:
    migrate.upgrade(database)
    upgraded = _schema(database)

    migrate.downgrade(database, "base")
    assert _user_tables(database) == []
    assert not _schema(database).get("sequences")

    migrate.upgrade(database)
    assert _schema(database) == upgraded
    assert _differences(database) == []


def _parents(script: Script) -> tuple[str, ...]:
    down = script.down_revision
    if down is None:
        return ()
    return (down,) if isinstance(down, str) else tuple(down)


@pytest.mark.parametrize("script", REVISIONS, ids=[s.revision for s in REVISIONS])
def test_migration_step__downgraded_and_upgraded_again__restores_each_schema(
    database: Database, script: Script
) -> None:
    parents = _parents(script)
    for parent in parents:
        migrate.upgrade(database, parent)
    before = _schema(database)
    migrate.upgrade(database, script.revision)
    after = _schema(database)

    # From a merge, downgrading to one parent removes only the merge (both parents stay).
    migrate.downgrade(database, parents[0] if parents else "base")
    assert _schema(database) == before

    migrate.upgrade(database, script.revision)
    assert _schema(database) == after


def test_migration_scripts__every_revision__has_a_downgrade() -> None:
    missing = [s.revision for s in REVISIONS if "def downgrade" not in Path(s.path).read_text()]
    assert missing == []


def test_migration_scripts__ids__their_file_prefix_in_one_line_to_the_head() -> None:
    # What migrate.head_revision reads from the file names without loading Alembic.
    assert [s.revision for s in REVISIONS] == [Path(s.path).name[:4] for s in REVISIONS]
    assert [s.down_revision for s in REVISIONS] == [None] + [s.revision for s in REVISIONS[:-1]]
    assert SCRIPTS.get_heads() == [migrate.head_revision()]


def test_upgrade__database_at_head__alembic_never_loaded(database: Database) -> None:
    assert migrate.current_revision(database) is None
    migrate.upgrade(database)
    assert migrate.current_revision(database) == migrate.head_revision()
    url = database.engine.url.render_as_string(hide_password=False)
    program = (
        "import sys; from flagstaff.core import migrate; from flagstaff.core.db import Database\n"
        f"database = Database({url!r}); migrate.upgrade(database); database.dispose()\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'alembic'))"
    )
    done = subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "[]"


def test_migration_0007__existing_tokens__become_active_originals(database: Database) -> None:
    migrate.upgrade(database, "0006")
    with database.engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO users (id, username, is_service, root_role_id, login_attempts, "
                "created_at) VALUES (7, 'svc', true, 3, 0, '2026-01-01 00:00:00+00:00')"
            )
        )
        for token_id, description in ((40, "deploy"), (41, "backup")):
            connection.execute(
                text(
                    "INSERT INTO personal_access_tokens (id, account_id, description, digest, "
                    "hint, created_at, expires_at) VALUES (:id, 7, :d, :digest, 'user:fsa_x', "
                    "'2026-01-01 00:00:00+00:00', '2030-01-01 00:00:00+00:00')"
                ),
                {"id": token_id, "d": description, "digest": f"{token_id:064d}"},
            )

    migrate.upgrade(database, "0007")

    with database.engine.connect() as connection:
        rows = connection.execute(
            text(
                "SELECT id, family_id, self_rotation, revoked_at, rotated_at, disabled_at "
                "FROM personal_access_tokens ORDER BY id"
            )
        ).all()
    assert [tuple(row) for row in rows] == [
        (40, 40, False, None, None, None),
        (41, 41, False, None, None, None),
    ]


def test_migration_0007__downgrade__drops_the_records_the_old_schema_cannot_hold(
    database: Database,
) -> None:
    migrate.upgrade(database, "0007")
    with database.engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO users (id, username, is_service, root_role_id, login_attempts, "
                "created_at) VALUES (7, 'svc', true, 3, 0, '2026-01-01 00:00:00+00:00')"
            )
        )
        for token_id, revoked in ((40, None), (41, "2026-02-01 00:00:00+00:00")):
            connection.execute(
                text(
                    "INSERT INTO personal_access_tokens (id, account_id, description, digest, "
                    "hint, created_at, expires_at, family_id, self_rotation, revoked_at) VALUES "
                    "(:id, 7, 'deploy', :digest, 'user:fsa_x', '2026-01-01 00:00:00+00:00', "
                    "'2030-01-01 00:00:00+00:00', :id, false, :revoked)"
                ),
                {"id": token_id, "digest": f"{token_id:064d}", "revoked": revoked},
            )

    migrate.downgrade(database, "0006")

    with database.engine.connect() as connection:
        ids = connection.execute(text("SELECT id FROM personal_access_tokens")).scalars().all()
    assert ids == [40]


def test_migration_0009__api_tokens__creator_taken_from_their_created_event(
    database: Database,
) -> None:
    migrate.upgrade(database, "0008")
    with database.engine.begin() as connection:
        for token_id, selector in ((50, "sel-known"), (51, "sel-unknown")):
            connection.execute(
                text(
                    "INSERT INTO api_tokens (id, name, type, environment, all_projects, digest, "
                    "selector, hint, created_at, created_by_user_id) VALUES (:id, 'ci', 'admin', "
                    "NULL, true, :digest, :selector, '*:*.abc', '2026-01-01 00:00:00+00:00', 7)"
                ),
                {"id": token_id, "digest": f"{token_id:064d}", "selector": selector},
            )
        connection.execute(
            text(
                "INSERT INTO events (type, created_by, created_by_user_id, data, tags, "
                "created_at) VALUES ('api-token-created', 'sa-deployer', 7, :data, '[]', "
                "'2026-01-01 00:00:00+00:00')"
            ),
            {"data": json.dumps({"tokenName": "ci", "selector": "sel-known"})},
        )

    migrate.upgrade(database, "0009")

    with database.engine.connect() as connection:
        rows = connection.execute(
            text("SELECT selector, created_by FROM api_tokens ORDER BY id")
        ).all()
    assert [tuple(row) for row in rows] == [("sel-known", "sa-deployer"), ("sel-unknown", None)]


def test_migration_0009__downgrade__users_keep_their_rows_none_locked(database: Database) -> None:
    migrate.upgrade(database, "0009")
    with database.engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO users (id, username, is_service, root_role_id, created_at) "
                "VALUES (8, 'ada', false, 3, '2026-01-01 00:00:00+00:00')"
            )
        )

    migrate.downgrade(database, "0008")

    with database.engine.connect() as connection:
        rows = connection.execute(text("SELECT id, login_attempts, locked_until FROM users")).all()
    assert [tuple(row) for row in rows] == [(8, 0, None)]
