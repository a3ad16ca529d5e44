"""``flagstaff apply`` run as an operator would: the plan printed as a table, a second run that
changes nothing, dry runs, prune, and exit 2 with every problem's line when anything is wrong,
with nothing of the file applied."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from flagstaff.accounts.models import Account
from flagstaff.events.models import Event
from flagstaff.flags.projects.models import Project
from tests.cli.harness import Installation

ENV = {"FLAGSTAFF_ADMIN_PASSWORD": "Adm1n-Passw0rd!x"}
FILE = """\
version: 1
name: platform
roles:
  - name: flag-operator
    type: project
    permissions: [UPDATE_FEATURE]
projects:
  - id: shop
    name: Shop
serviceAccounts:
  - username: ci-deployer
    name: CI deployer
    rootRole: Viewer
    projectRoles:
      - {project: shop, role: flag-operator}
    managers: [admin]
"""


def _write(install: Installation, text: str, name: str = "accounts.yaml") -> str:
    path = install.home / name
    path.write_text(text)
    return str(path)


def _state(install: Installation) -> tuple[list[str], list[str], list[tuple[str, str]]]:
    """Service accounts, projects, and (type, created by) of every event."""
    engine = create_engine(install.settings().sqlalchemy_url)
    try:
        with Session(engine) as session:
            accounts = session.scalars(
                select(Account.username).where(Account.is_service.is_(True)).order_by(Account.id)
            )
            projects = session.scalars(select(Project.id).order_by(Project.id))
            events = session.execute(select(Event.type, Event.created_by).order_by(Event.id))
            return (
                [a for a in accounts if a],
                list(projects),
                [(t, c) for t, c in events],
            )
    finally:
        engine.dispose()


def test_apply__create_then_again__table_printed_and_second_run_changes_nothing(
    install: Installation,
) -> None:
    path = _write(install, FILE)

    first = install.run("apply", path, env=ENV)

    assert first.returncode == 0, first.stderr
    output = first.stdout.splitlines()
    lines = output[next(i for i, line in enumerate(output) if line.startswith("ACTION")) :]
    assert lines[0].split() == ["ACTION", "KIND", "NAME", "LINE", "CHANGES"]
    assert [line.split()[:4] for line in lines[1:3]] == [
        ["create", "role", "flag-operator", "4"],
        ["create", "project", "shop", "8"],
    ]
    assert lines[3].split()[:5] == ["create", "service", "account", "ci-deployer", "11"]
    assert "projectRoles: [flag-operator in shop]" in lines[3]
    assert "3 to create, 0 to update, 0 unchanged, 0 to delete. Applied." in first.stdout
    accounts, projects, events = _state(install)
    assert accounts == ["ci-deployer"]
    assert "shop" in projects
    mine = [(t, c) for t, c in events if c == "flagstaff apply"]
    assert ("service-account-created", "flagstaff apply") in mine
    assert ("provisioning-applied", "flagstaff apply") in mine

    second = install.run("apply", path, env=ENV)

    assert second.returncode == 0, second.stderr
    assert "0 to create, 0 to update, 3 unchanged, 0 to delete. Nothing to change." in second.stdout
    assert _state(install)[2] == events


def test_apply__dry_run_then_prune__nothing_then_the_dropped_objects_deleted(
    install: Installation,
) -> None:
    path = _write(install, FILE)

    dry = install.run("apply", path, "--dry-run", env=ENV)

    assert dry.returncode == 0, dry.stderr
    assert "Dry run: nothing was changed." in dry.stdout
    assert _state(install)[0] == []
    assert install.run("apply", path, env=ENV).returncode == 0

    pruned = install.run("apply", "-", "--prune", stdin="version: 1\nname: platform\n", env=ENV)

    assert pruned.returncode == 0, pruned.stderr
    assert "0 to create, 0 to update, 0 unchanged, 3 to delete. Applied." in pruned.stdout
    accounts, projects, _ = _state(install)
    assert accounts == []
    assert "shop" not in projects


def test_apply__invalid_file__exit_2_every_problem_with_its_line_nothing_applied(
    install: Installation,
) -> None:
    assert install.run("apply", _write(install, FILE), env=ENV).returncode == 0
    before = _state(install)
    broken = (
        FILE.replace("rootRole: Viewer", "rootRole: Viewr")
        .replace("managers: [admin]", "managers: [nobody]")
        .replace("name: CI deployer", "name: Renamed")
        + "  - username: second\n    name: Second\n    rootRole: Viewer\n"
    )

    result = install.run("apply", _write(install, broken, "broken.yaml"), env=ENV)

    assert result.returncode == 2
    assert "The provisioning file has 2 problems; nothing was applied." in result.stderr
    assert "line 13: serviceAccounts[0].rootRole: 'Viewr' is not a role" in result.stderr
    assert "line 16: serviceAccounts[0].managers[0]: no user has the username" in result.stderr
    assert _state(install) == before


def test_apply__refused_midway__exit_2_and_rolled_back(install: Installation) -> None:
    path = _write(install, FILE)
    assert install.run("apply", path, env=ENV).returncode == 0
    before = _state(install)
    # The role is still held by the account that the file keeps: it cannot be pruned.
    dropped_role = FILE.replace("  - name: flag-operator\n    type: project\n", "").replace(
        "    permissions: [UPDATE_FEATURE]\n", ""
    )
    dropped_role = dropped_role.replace("roles:\n", "").replace("name: CI deployer", "name: New")

    result = install.run("apply", _write(install, dropped_role, "b.yaml"), "--prune", env=ENV)

    assert result.returncode == 2
    assert "Applying stopped, and nothing was applied" in result.stderr
    assert "role flag-operator" in result.stderr
    assert _state(install) == before


def test_apply__missing_or_oversized_file__exit_2_and_no_database(install: Installation) -> None:
    missing = install.run("apply", str(install.home / "nowhere.yaml"), env=ENV)
    big = install.run("apply", _write(install, "#" * (256 * 1024 + 1)), env=ENV)
    binary = install.home / "binary.yaml"
    binary.write_bytes(b"version: 1\n\xff\xfe\n")
    not_text = install.run("apply", str(binary), env=ENV)

    assert (missing.returncode, big.returncode, not_text.returncode) == (2, 2, 2)
    assert "No such file" in missing.stderr
    assert "the limit is 262144 bytes" in big.stderr
    assert "not UTF-8" in not_text.stderr
    assert install.tables() == []
    assert not Path(install.data_dir / "flagstaff.db").exists()
