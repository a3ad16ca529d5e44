"""Serving an external Unleash UI build under /unleash/ (FLAGSTAFF_UNLEASH_UI_DIR), with a small
stand-in for the build, so these run without npm or a browser."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from flagstaff.app import create_app
from flagstaff.config import ConfigError, Settings, load_settings
from flagstaff.http.context import AppContext
from flagstaff.web.unleash_ui import render_index
from tests.conftest import FAST_PASSWORDS, TEST_SECRET
from tests.db import TemplateDatabase
from tests.factories import PASSWORD, make_user

INDEX = """<html><head>
<meta name="baseUriPath" content="::baseUriPath::" />
<meta name="uiFlags" content="::uiFlags::" />
<meta name="unleashToken" content="::unleashToken::" />
<link rel="icon" href="::faviconPrefix::/favicon.ico" />
<script type="module" crossorigin src="/static/index-abc.js"></script>
</head><body><div id="app"></div></body></html>"""


@pytest.fixture(scope="module")
def build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("ui-build")
    (directory / "index.html").write_text(INDEX)
    (directory / "static").mkdir()
    (directory / "static" / "index-abc.js").write_text("console.log('ui')")
    (directory / "logo.png").write_bytes(b"\x89PNG")
    return directory


@pytest.fixture(scope="module")
def ui_client(
    build: Path, tmp_path_factory: pytest.TempPathFactory, template_db: TemplateDatabase
) -> Iterator[TestClient]:
    data = tmp_path_factory.mktemp("ui-serving")
    settings = Settings(
        data_dir=data,
        database_url=template_db.fresh(data),
        secret_key=TEST_SECRET,
        unleash_ui_dir=build,
    )
    context = AppContext.build(settings, passwords=FAST_PASSWORDS)
    make_user(context, role="Admin", username="admin")
    with TestClient(create_app(settings, context)) as client:
        yield client
    context.database.dispose()


def test_render_index__fills_the_placeholders_and_moves_static_under_the_base() -> None:
    page = render_index(INDEX, "/unleash")

    assert 'name="baseUriPath" content="/unleash"' in page
    assert 'src="/unleash/static/index-abc.js"' in page
    assert 'href="/unleash/favicon.ico"' in page
    assert "::" not in page


def test_ui__base_without_slash__redirects_to_it(ui_client: TestClient) -> None:
    response = ui_client.get("/unleash", follow_redirects=False)

    assert response.status_code == 308
    assert response.headers["location"] == "/unleash/"


@pytest.mark.parametrize(
    "path",
    ["/unleash/", "/unleash/projects", "/unleash/admin/users", "/unleash/projects/p/features/a.b"],
)
def test_ui__a_page_path__answers_the_ui_page(ui_client: TestClient, path: str) -> None:
    response = ui_client.get(path)

    assert response.status_code == 200
    assert 'content="/unleash"' in response.text
    assert response.headers["cache-control"] == "no-store"
    assert response.headers["x-frame-options"] == "DENY"


def test_ui__its_files__are_served(ui_client: TestClient) -> None:
    script = ui_client.get("/unleash/static/index-abc.js")
    logo = ui_client.get("/unleash/logo.png")

    assert script.status_code == 200
    assert script.text == "console.log('ui')"
    assert logo.status_code == 200


def test_ui__missing_static_file__404(ui_client: TestClient) -> None:
    assert ui_client.get("/unleash/static/nope.js").status_code == 404


def test_ui__a_file_outside_the_build__is_not_served(ui_client: TestClient) -> None:
    response = ui_client.get("/unleash/static/..%2f..%2fsecret_key")

    assert response.status_code == 404
    assert "test-secret" not in response.text


def test_ui__post_to_a_page__405(ui_client: TestClient) -> None:
    assert ui_client.post("/unleash/projects").status_code == 405


def test_ui__api_under_the_base__is_flagstaff_with_the_login_path_under_it(
    ui_client: TestClient,
) -> None:
    refused = ui_client.get("/unleash/api/admin/user")
    login = ui_client.post(
        "/unleash/auth/simple/login", json={"username": "admin", "password": PASSWORD}
    )
    me = ui_client.get("/unleash/api/admin/user")
    logout = ui_client.post("/unleash/logout")

    assert refused.status_code == 401
    assert refused.json()["path"] == "/unleash/auth/simple/login"
    assert login.status_code == 200
    assert me.status_code == 200
    assert me.json()["user"]["username"] == "admin"
    assert logout.status_code == 200
    assert ui_client.get("/unleash/api/admin/user").status_code == 401


def test_ui__flagstaff_paths_outside_the_base__unchanged(ui_client: TestClient) -> None:
    response = ui_client.get("/api/admin/user")

    assert response.status_code == 401
    assert response.json()["path"] == "/auth/simple/login"
    assert ui_client.get("/health").status_code == 200


def test_ui_dir_setting__without_index__refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FLAGSTAFF_UNLEASH_UI_DIR", str(tmp_path))

    with pytest.raises(ConfigError, match="FLAGSTAFF_UNLEASH_UI_DIR"):
        load_settings()
