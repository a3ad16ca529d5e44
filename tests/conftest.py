from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from flagstaff.accounts.passwords import Passwords
from flagstaff.app import create_app
from flagstaff.config import Settings
from flagstaff.http.context import AppContext
from tests.conformance import check_answers
from tests.db import TemplateDatabase, on_postgres
from tests.factories import PASSWORD, UserHandle, login, make_user
from tests.scheduling import SharedServerScheduling

TEST_SECRET = "test-secret-key-that-is-long-enough-0123456789"
# Cheap argon2 parameters: the algorithm is the same, the work factor is not what is tested.
FAST_PASSWORDS = Passwords(time_cost=1, memory_kib=1024, parallelism=1)


def pytest_xdist_make_scheduler(config: pytest.Config, log: object) -> object | None:
    if config.getvalue("dist") != "load":
        return None  # someone asked for another distribution: xdist's own
    return SharedServerScheduling(config, log)  # type: ignore[arg-type]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # The PostgreSQL pass repeats what the engine can change; a test whose outcome no engine can
    # change (import rules, the OpenAPI comparison, screenshots) runs once, on SQLite.
    if not on_postgres():
        return
    once = pytest.mark.skip(reason="engine-independent: run on SQLite")
    for item in items:
        if item.get_closest_marker("engine_independent"):
            item.add_marker(once)


@pytest.fixture(scope="session")
def template_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TemplateDatabase]:
    template = TemplateDatabase(tmp_path_factory.mktemp("template"))
    yield template
    template.close()


@pytest.fixture
def settings(tmp_path: Path, template_db: TemplateDatabase) -> Settings:
    return Settings(
        data_dir=tmp_path,
        database_url=template_db.fresh(tmp_path),
        secret_key=TEST_SECRET,
        revision_poll_seconds=0.05,
    )


@pytest.fixture
def context(settings: Settings) -> Iterator[AppContext]:
    ctx = AppContext.build(settings, passwords=FAST_PASSWORDS)
    yield ctx
    ctx.database.dispose()


class ContextSwitch:
    """Stands in for the AppContext of one shared app, forwarding to the current test's.

    Building the app (routes, dependency graphs, OpenAPI models) takes most of a second; each
    test still gets its own context (database, caches, watcher), which is what isolates tests.
    """

    def __init__(self) -> None:
        object.__setattr__(self, "target", None)

    def __getattr__(self, name: str) -> object:
        return getattr(object.__getattribute__(self, "target"), name)

    def __setattr__(self, name: str, value: object) -> None:
        setattr(object.__getattribute__(self, "target"), name, value)


@pytest.fixture(scope="session")
def shared_app(tmp_path_factory: pytest.TempPathFactory) -> tuple[FastAPI, ContextSwitch]:
    switch = ContextSwitch()
    settings = Settings(data_dir=tmp_path_factory.mktemp("shared-app"), secret_key=TEST_SECRET)
    # Building the app touches the context (no I/O); each test then switches to its own.
    object.__setattr__(switch, "target", AppContext.build(settings, passwords=FAST_PASSWORDS))
    application = create_app(settings, switch)  # type: ignore[arg-type]
    check_answers(application)  # every answer is held to the OpenAPI document
    return application, switch


@pytest.fixture
def app(shared_app: tuple[FastAPI, ContextSwitch], context: AppContext) -> FastAPI:
    application, switch = shared_app
    object.__setattr__(switch, "target", context)
    return application


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    """An anonymous client; entering it runs the app's lifespan (the revision watcher)."""
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture
def new_client(app: FastAPI, client: TestClient) -> Callable[[], TestClient]:
    """More clients on the same running app, each with its own cookie jar."""

    def make() -> TestClient:
        return TestClient(app)

    return make


@pytest.fixture
def admin(context: AppContext) -> UserHandle:
    return make_user(context, role="Admin", username="admin")


@pytest.fixture
def admin_client(client: TestClient, admin: UserHandle) -> TestClient:
    return login(client, admin.username, PASSWORD)


@pytest.fixture
def user_client(
    context: AppContext, new_client: Callable[[], TestClient]
) -> Callable[..., TestClient]:
    """``user_client(role="Editor")``: a new user with that root role, logged in."""

    def make(role: int | str = "Viewer", **kwargs: object) -> TestClient:
        user = make_user(context, role=role, **kwargs)  # type: ignore[arg-type]
        return login(new_client(), user.username, user.password)

    return make
