from __future__ import annotations

import re

import pytest

from tests.cli.harness import Installation, login

PASSWORD = "Ed1tor-Passw0rd!"
ANNOUNCED = re.compile(r"Password \(shown only this once\): (\S+)")


def test_users_create__weak_password__exit_2_and_nothing_created(install: Installation) -> None:
    result = install.run(
        "users",
        "create",
        "--username",
        "x",
        "--role",
        "Editor",
        "--password-stdin",
        stdin="weakpass\n",
    )

    assert result.returncode == 2
    assert "password must" in result.stderr
    assert "weakpass" not in result.stderr + result.stdout
    assert not install.data_dir.exists()
    assert install.tables() == []


def test_users_create__no_password_on_stdin__exit_2_and_nothing_created(
    install: Installation,
) -> None:
    result = install.run("users", "create", "--username", "x", "--password-stdin", stdin="")

    assert result.returncode == 2
    assert "password must be at least" in result.stderr
    assert install.tables() == []


def test_users_create__unknown_role__exit_2_and_no_account_created(install: Installation) -> None:
    result = install.run(
        "users",
        "create",
        "--username",
        "x",
        "--role",
        "Superhero",
        "--password-stdin",
        stdin=f"{PASSWORD}\n",
    )

    assert result.returncode == 2
    assert "Superhero" in result.stderr
    assert "root role" in result.stderr
    # Not even the first admin: it is created in the same transaction as the refused user.
    assert install.usernames() == []
    assert "Password" not in result.stdout


def test_users_create__no_terminal_and_no_password_stdin__exit_2(install: Installation) -> None:
    result = install.run("users", "create", "--username", "x")

    assert result.returncode == 2
    assert "--password-stdin" in result.stderr


@pytest.mark.slow
def test_users_create__editor_from_stdin__logs_in_to_a_started_server(
    install: Installation,
) -> None:
    result = install.run(
        "users",
        "create",
        "--username",
        "x",
        "--role",
        "Editor",
        "--password-stdin",
        stdin=f"{PASSWORD}\n",
    )
    assert result.returncode == 0, result.stderr
    assert "Created user x" in result.stdout
    # On an empty database the first admin comes with it, announced as `serve` would.
    admin_password = ANNOUNCED.search(result.stdout)
    assert admin_password is not None
    assert install.usernames() == ["admin", "x"]

    server = install.start()
    server.wait_healthy()

    with server.client() as client:
        assert login(client, "x", PASSWORD).status_code == 200
        me = client.get("/api/admin/user")
        assert me.status_code == 200
        assert me.json()["user"]["username"] == "x"
        assert me.json()["user"]["rootRole"] == 2  # Editor
    with server.client() as client:
        assert login(client, "admin", admin_password.group(1)).status_code == 200
    assert "Password" not in server.stdout


def test_users_create__taken_username__exit_2_and_the_first_one_kept(
    install: Installation,
) -> None:
    args = ("users", "create", "--username", "x", "--role", "Viewer", "--password-stdin")
    assert install.run(*args, stdin=f"{PASSWORD}\n").returncode == 0

    result = install.run(*args, stdin=f"{PASSWORD}\n")

    assert result.returncode == 2
    assert "x" in result.stderr
    assert install.usernames() == ["admin", "x"]
