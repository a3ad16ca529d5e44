"""``rbac.granting.resolve_root_role``: the ``rootRole`` of users and service accounts."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy.orm import Session

from flagstaff.core.errors import BadDataError
from flagstaff.http.context import AppContext
from flagstaff.rbac.granting import resolve_root_role
from flagstaff.rbac.models import Role, RoleType


@pytest.fixture
def session(context: AppContext) -> Iterator[Session]:
    with context.database.transaction() as session:
        session.add(Role(name="Segment keeper", type=RoleType.ROOT_CUSTOM, description=""))
        session.add(Role(name="Deployer", type=RoleType.CUSTOM, description=""))
    with context.database.session(write=False) as session:
        yield session


@pytest.mark.parametrize(
    ("ref", "name"),
    [(1, "Admin"), (3, "Viewer"), ("Editor", "Editor"), ("Segment keeper", "Segment keeper")],
)
def test_resolve_root_role__root_role__found(session: Session, ref: int | str, name: str) -> None:
    assert resolve_root_role(session, ref).name == name


@pytest.mark.parametrize(
    "ref",
    [0, -1, 4, 999, 2**31, 10**30, -(10**30), "Owner", "Deployer", "admin", "", "Nope"],
)
def test_resolve_root_role__not_a_root_role__bad_data(session: Session, ref: int | str) -> None:
    with pytest.raises(BadDataError):
        resolve_root_role(session, ref)
