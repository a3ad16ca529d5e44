"""``RoleService.resolve_root_role``: the ``rootRole`` of users and service accounts."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from flagstaff.core.errors import BadDataError
from flagstaff.http.context import AppContext
from flagstaff.rbac.models import Role, RoleType
from flagstaff.rbac.service import RoleService


@pytest.fixture
def roles(context: AppContext) -> Iterator[RoleService]:
    with context.database.transaction() as session:
        session.add(Role(name="Segment keeper", type=RoleType.ROOT_CUSTOM, description=""))
        session.add(Role(name="Deployer", type=RoleType.CUSTOM, description=""))
    with context.database.session(write=False) as session:
        yield RoleService(session)


@pytest.mark.parametrize(
    ("ref", "name"),
    [(1, "Admin"), (3, "Viewer"), ("Editor", "Editor"), ("Segment keeper", "Segment keeper")],
)
def test_resolve_root_role__root_role__found(roles: RoleService, ref: int | str, name: str) -> None:
    assert roles.resolve_root_role(ref).name == name


@pytest.mark.parametrize(
    "ref",
    [0, -1, 4, 999, 2**31, 10**30, -(10**30), "Owner", "Deployer", "admin", "", "Nope"],
)
def test_resolve_root_role__not_a_root_role__bad_data(roles: RoleService, ref: int | str) -> None:
    with pytest.raises(BadDataError):
        roles.resolve_root_role(ref)
