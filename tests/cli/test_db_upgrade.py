from __future__ import annotations

from flagstaff.migrations.tables import Base
from tests.cli.harness import Installation


def test_db_upgrade__fresh_database__creates_every_table(install: Installation) -> None:
    result = install.run("db", "upgrade")

    assert result.returncode == 0, result.stderr
    assert "upgraded to heads" in result.stdout
    assert set(Base.metadata.tables) <= set(install.tables())


def test_db_upgrade__twice__second_is_a_no_op(install: Installation) -> None:
    assert install.run("db", "upgrade").returncode == 0
    tables = install.tables()

    result = install.run("db", "upgrade")

    assert result.returncode == 0, result.stderr
    assert install.tables() == tables


def test_db_upgrade__does_not_create_users(install: Installation) -> None:
    assert install.run("db", "upgrade").returncode == 0

    assert install.usernames() == []


def test_db_downgrade__to_base__removes_every_table(install: Installation) -> None:
    assert install.run("db", "upgrade").returncode == 0

    result = install.run("db", "downgrade", "base")

    assert result.returncode == 0, result.stderr
    assert install.tables() == ["alembic_version"]
