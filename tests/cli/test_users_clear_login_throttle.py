"""``flagstaff users clear-login-throttle NAME``: the way back in for an admin who cannot wait
for the throttle, or cannot log in at all to clear it through the API."""

from __future__ import annotations

from tests.cli.harness import Installation, login

PASSWORD = "Adm1n-Passw0rd!"
# One free failure, then ten minutes: still waiting when the test looks.
ENV = {
    "FLAGSTAFF_ADMIN_PASSWORD": PASSWORD,
    "FLAGSTAFF_LOGIN_FREE_ATTEMPTS": "1",
    "FLAGSTAFF_LOGIN_FIRST_DELAY_SECONDS": "600",
}


def test_users_clear_login_throttle__throttled_admin__logs_in_again(
    install: Installation,
) -> None:
    server = install.start(env=ENV)
    server.wait_healthy()
    with server.client() as client:
        for _ in range(2):
            assert login(client, "admin", "Wrong-pass1!").status_code == 401
        assert login(client, "admin", PASSWORD).status_code == 429

        result = install.run("users", "clear-login-throttle", "admin", env=ENV)

        assert result.returncode == 0, result.stderr
        assert "Cleared the login throttle of admin (2 counter(s))." in result.stdout
        assert login(client, "admin", PASSWORD).status_code == 200


def test_users_clear_login_throttle__name_of_nobody__nothing_to_clear(
    install: Installation,
) -> None:
    result = install.run("users", "clear-login-throttle", "Nobody@Example.com", env=ENV)

    assert result.returncode == 0, result.stderr
    assert "Cleared the login throttle of nobody@example.com (0 counter(s))." in result.stdout
