from __future__ import annotations

import pytest

from tests.cli.harness import Installation

pytestmark = pytest.mark.engine_independent

COMMANDS = {
    "": ["serve", "db", "users", "DATABASE_URL", "FLAGSTAFF_DATA_DIR"],
    "serve": ["--host", "--port", "--workers"],
    "db": ["upgrade", "downgrade"],
    "db upgrade": ["revision"],
    "db downgrade": ["revision", "base"],
    "users": ["create"],
    "users create": ["--username", "--email", "--name", "--role", "--password-stdin"],
}


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c or "flagstaff")
def test_help__every_command__exits_0_and_names_its_options(
    install: Installation, command: str
) -> None:
    result = install.run(*command.split(), "--help")

    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"usage: flagstaff {command}".rstrip())
    for word in COMMANDS[command]:
        assert word in result.stdout
    assert not install.data_dir.exists()


def test_cli__no_command__usage_and_exit_2(install: Installation) -> None:
    result = install.run()

    assert result.returncode == 2
    assert "usage: flagstaff" in result.stderr


def test_cli__version__prints_it(install: Installation) -> None:
    result = install.run("--version")

    assert result.returncode == 0
    assert result.stdout.startswith("flagstaff ")
