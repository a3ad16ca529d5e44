"""A configuration that cannot work stops every command before it touches anything."""

from __future__ import annotations

import pytest

from tests.cli.harness import Installation

SHORT_KEY = "0123456789abcdefghijklmnopqrstu"  # 31 characters


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("FLAGSTAFF_SECRET_KEY", SHORT_KEY, "FLAGSTAFF_SECRET_KEY must be at least 32 characters"),
        ("FLAGSTAFF_SECRET_KEY", "", "FLAGSTAFF_SECRET_KEY must be at least 32 characters"),
        ("FLAGSTAFF_LOG_LEVEL", "loud", "FLAGSTAFF_LOG_LEVEL must be one of"),
        ("FLAGSTAFF_LOG_FORMAT", "xml", "FLAGSTAFF_LOG_FORMAT"),
        ("FLAGSTAFF_LOGIN_FREE_ATTEMPTS", "many", "FLAGSTAFF_LOGIN_FREE_ATTEMPTS"),
    ],
    ids=["short secret key", "empty secret key", "log level", "log format", "not a number"],
)
def test_config__invalid_variable__exit_2_naming_it_and_nothing_created(
    install: Installation, variable: str, value: str, message: str
) -> None:
    result = install.run("db", "upgrade", env={variable: value})

    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    if value:
        assert value not in result.stderr
    assert not install.data_dir.exists()
    assert install.tables() == []


def test_config__secret_key_of_32_characters__accepted(install: Installation) -> None:
    result = install.run("db", "upgrade", env={"FLAGSTAFF_SECRET_KEY": SHORT_KEY + "v"})

    assert result.returncode == 0, result.stderr
