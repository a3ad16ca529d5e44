"""``load_grants`` through a real database session, and the flat permission list."""

from __future__ import annotations

from flagstaff.http.context import AppContext
from flagstaff.rbac.grants import flat_permissions, load_grants
from flagstaff.rbac.models import Role, RolePermission, RoleType
from flagstaff.rbac.permissions import Permission
from flagstaff.rbac.policy import is_allowed
from flagstaff.rbac.predefined import EDITOR_ROLE_ID, MEMBER_ROLE_ID, OWNER_ROLE_ID, VIEWER_ROLE_ID
from flagstaff.rbac.principal import Grants
from tests.api.roles.helpers import assign_project_role
from tests.factories import make_user
from tests.unit.rbac.principals import account, grants

P = Permission


def _load(context: AppContext, account_id: int, root_role_id: int) -> Grants:
    with context.database.session(write=False) as session:
        return load_grants(session, account_id, root_role_id)


def _make_role(context: AppContext, name: str, type_: str, rows: list[tuple[str, str]]) -> int:
    with context.database.transaction() as session:
        role = Role(name=name, type=type_, description="")
        role.permissions = [RolePermission(permission=p, environment=e) for p, e in rows]
        session.add(role)
        session.flush()
        return role.id


def test_load_grants__editor__project_permissions_in_default_only(context: AppContext) -> None:
    user = make_user(context, role="Editor")
    held = _load(context, user.id, EDITOR_ROLE_ID)

    assert held == grants("Editor")
    assert set(held.projects) == {"default"}
    assert set(held.environments) == {"default"}
    assert ("UPDATE_FEATURE_ENVIRONMENT", "*") in held.environments["default"]
    assert "CREATE_SEGMENT" in held.root
    assert "CREATE_FEATURE" not in held.root
    principal = account(held)
    assert is_allowed(principal, P.CREATE_FEATURE, "default")
    assert not is_allowed(principal, P.CREATE_FEATURE, "checkout")


def test_load_grants__viewer__holds_nothing(context: AppContext) -> None:
    user = make_user(context, role="Viewer")
    assert _load(context, user.id, VIEWER_ROLE_ID) == Grants()


def test_load_grants__admin__only_admin(context: AppContext) -> None:
    user = make_user(context, role="Admin")
    assert _load(context, user.id, 1) == Grants(root=frozenset({"ADMIN"}))


def test_load_grants__project_role_in_checkout__grants_in_checkout_only(
    context: AppContext,
) -> None:
    user = make_user(context, role="Viewer")
    assign_project_role(context, user.id, "checkout", MEMBER_ROLE_ID)

    held = _load(context, user.id, VIEWER_ROLE_ID)

    assert held == grants("Viewer", checkout="Member")
    assert set(held.projects) == {"checkout"}
    assert held.root == frozenset()
    principal = account(held)
    assert is_allowed(principal, P.CREATE_FEATURE, "checkout")
    assert not is_allowed(principal, P.CREATE_FEATURE, "default")
    assert is_allowed(principal, P.UPDATE_FEATURE_ENVIRONMENT, "checkout", "production")
    assert not is_allowed(principal, P.UPDATE_FEATURE_ENVIRONMENT, "payments", "production")


def test_load_grants__roles_in_two_projects__kept_apart(context: AppContext) -> None:
    user = make_user(context, role="Editor")
    assign_project_role(context, user.id, "checkout", OWNER_ROLE_ID)
    assign_project_role(context, user.id, "payments", MEMBER_ROLE_ID)

    held = _load(context, user.id, EDITOR_ROLE_ID)

    assert held == grants("Editor", checkout="Owner", payments="Member")
    assert "PROJECT_USER_ACCESS_WRITE" in held.projects["checkout"]
    assert "PROJECT_USER_ACCESS_WRITE" not in held.projects["payments"]
    assert "PROJECT_USER_ACCESS_WRITE" not in held.projects["default"]


def test_load_grants__custom_project_role__keeps_specific_environments(
    context: AppContext,
) -> None:
    rows = [("UPDATE_FEATURE", ""), ("UPDATE_FEATURE_ENVIRONMENT", "development")]
    role_id = _make_role(context, "Dev deployer", RoleType.CUSTOM, rows)
    user = make_user(context, role="Viewer")
    assign_project_role(context, user.id, "checkout", role_id)

    held = _load(context, user.id, VIEWER_ROLE_ID)

    assert held.projects == {"checkout": frozenset({"UPDATE_FEATURE"})}
    assert held.environments == {
        "checkout": frozenset({("UPDATE_FEATURE_ENVIRONMENT", "development")})
    }


def test_load_grants__custom_root_role__exactly_its_permissions(context: AppContext) -> None:
    rows = [("CREATE_SEGMENT", ""), ("READ_LOGS", "")]
    role_id = _make_role(context, "Segment keeper", RoleType.ROOT_CUSTOM, rows)
    user = make_user(context, role=role_id)

    held = _load(context, user.id, role_id)

    assert held == Grants(root=frozenset({"CREATE_SEGMENT", "READ_LOGS"}))


def test_load_grants__root_permission_in_project_role__ignored(context: AppContext) -> None:
    # A row the API would refuse, written directly: a project role cannot lend root powers.
    rows = [("CREATE_SEGMENT", ""), ("ADMIN", ""), ("UPDATE_FEATURE", "")]
    role_id = _make_role(context, "Smuggler", RoleType.CUSTOM, rows)
    user = make_user(context, role="Viewer")
    assign_project_role(context, user.id, "checkout", role_id)

    held = _load(context, user.id, VIEWER_ROLE_ID)

    assert held.root == frozenset()
    assert held.projects == {"checkout": frozenset({"UPDATE_FEATURE"})}


def test_load_grants__unknown_permission_rows__grant_nothing(context: AppContext) -> None:
    rows = [("SOME_FUTURE_PERMISSION", ""), ("CREATE_SEGMENT", "")]
    role_id = _make_role(context, "From the future", RoleType.ROOT_CUSTOM, rows)
    user = make_user(context, role=role_id)

    assert _load(context, user.id, role_id) == Grants(root=frozenset({"CREATE_SEGMENT"}))


def test_load_grants__other_accounts_assignments__not_mixed_in(context: AppContext) -> None:
    holder = make_user(context, role="Viewer")
    bystander = make_user(context, role="Viewer")
    assign_project_role(context, holder.id, "checkout", OWNER_ROLE_ID)

    assert _load(context, bystander.id, VIEWER_ROLE_ID) == Grants()


def test_flat_permissions__all_three_kinds__unleash_shape_sorted() -> None:
    held = Grants(
        root=frozenset({"READ_LOGS", "CREATE_SEGMENT"}),
        projects={"checkout": frozenset({"UPDATE_FEATURE", "CREATE_FEATURE"})},
        environments={
            "checkout": frozenset(
                {("UPDATE_FEATURE_ENVIRONMENT", "production"), ("CREATE_FEATURE_STRATEGY", "*")}
            )
        },
    )

    assert flat_permissions(held) == [
        {"permission": "CREATE_SEGMENT"},
        {"permission": "READ_LOGS"},
        {"project": "checkout", "permission": "CREATE_FEATURE"},
        {"project": "checkout", "permission": "UPDATE_FEATURE"},
        {"project": "checkout", "environment": "*", "permission": "CREATE_FEATURE_STRATEGY"},
        {
            "project": "checkout",
            "environment": "production",
            "permission": "UPDATE_FEATURE_ENVIRONMENT",
        },
    ]


def test_flat_permissions__nothing_held__empty_list() -> None:
    assert flat_permissions(Grants()) == []


def test_flat_permissions__editor__every_row_has_known_keys() -> None:
    rows = flat_permissions(grants("Editor"))
    assert len(rows) == len(grants("Editor").root) + 11 + 5
    for row in rows:
        assert set(row) in (
            {"permission"},
            {"permission", "project"},
            {"permission", "project", "environment"},
        )
        assert all(isinstance(value, str) for value in row.values())
