"""The predefined roles, with Unleash's ids, names, descriptions and permissions."""

from __future__ import annotations

from dataclasses import dataclass

from flagstaff.rbac.models import ANY_ENVIRONMENT, NO_ENVIRONMENT, RoleType
from flagstaff.rbac.permissions import Permission as P
from flagstaff.rbac.permissions import PermissionType, permission_type

ADMIN_ROLE_ID = 1
EDITOR_ROLE_ID = 2
VIEWER_ROLE_ID = 3
OWNER_ROLE_ID = 4
MEMBER_ROLE_ID = 5
READER_ROLE_ID = 6

# Unleash scopes a root role's project and environment permissions to this project.
ROOT_ROLE_PROJECT = "default"


@dataclass(frozen=True)
class PredefinedRole:
    id: int
    name: str
    type: str
    description: str
    permissions: tuple[P, ...]

    def permission_rows(self) -> list[tuple[str, str]]:
        rows = []
        for permission in self.permissions:
            kind = permission_type(permission)
            environment = ANY_ENVIRONMENT if kind == PermissionType.ENVIRONMENT else NO_ENVIRONMENT
            rows.append((permission.value, environment))
        return rows


_FLAG_WORK = (
    P.CREATE_FEATURE,
    P.UPDATE_FEATURE,
    P.DELETE_FEATURE,
    P.UPDATE_FEATURE_DEPENDENCY,
    P.UPDATE_FEATURE_VARIANTS,
    P.CREATE_FEATURE_STRATEGY,
    P.UPDATE_FEATURE_STRATEGY,
    P.DELETE_FEATURE_STRATEGY,
    P.UPDATE_FEATURE_ENVIRONMENT,
    P.UPDATE_FEATURE_ENVIRONMENT_VARIANTS,
    P.READ_PROJECT_API_TOKEN,
    P.CREATE_PROJECT_API_TOKEN,
    P.DELETE_PROJECT_API_TOKEN,
)

_EDITOR_ROOT = (
    P.CREATE_ADDON,
    P.UPDATE_ADDON,
    P.DELETE_ADDON,
    P.CREATE_CONTEXT_FIELD,
    P.UPDATE_CONTEXT_FIELD,
    P.DELETE_CONTEXT_FIELD,
    P.CREATE_PROJECT,
    P.CREATE_SEGMENT,
    P.UPDATE_SEGMENT,
    P.DELETE_SEGMENT,
    P.CREATE_STRATEGY,
    P.UPDATE_STRATEGY,
    P.DELETE_STRATEGY,
    P.CREATE_TAG_TYPE,
    P.UPDATE_TAG_TYPE,
    P.DELETE_TAG_TYPE,
    P.READ_CLIENT_API_TOKEN,
    P.READ_FRONTEND_API_TOKEN,
    P.RELEASE_PLAN_TEMPLATE_CREATE,
    P.RELEASE_PLAN_TEMPLATE_UPDATE,
    P.UPDATE_APPLICATION,
)

_OWNER_PROJECT = (
    *_FLAG_WORK,
    P.MOVE_FEATURE_TOGGLE,
    P.UPDATE_PROJECT,
    P.DELETE_PROJECT,
    P.UPDATE_PROJECT_CONTEXT,
    P.UPDATE_PROJECT_RELEASE_TEMPLATE,
    P.UPDATE_PROJECT_SEGMENT,
    # Unleash lets owners manage project access and settings through the owner check; here
    # they are plain permissions, so a custom role can hold them too.
    P.PROJECT_USER_ACCESS_READ,
    P.PROJECT_USER_ACCESS_WRITE,
    P.PROJECT_DEFAULT_STRATEGY_READ,
    P.PROJECT_DEFAULT_STRATEGY_WRITE,
    P.PROJECT_CHANGE_REQUEST_READ,
    P.PROJECT_CHANGE_REQUEST_WRITE,
    P.PROJECT_SETTINGS_READ,
    P.PROJECT_SETTINGS_WRITE,
)

PREDEFINED_ROLES: tuple[PredefinedRole, ...] = (
    PredefinedRole(
        ADMIN_ROLE_ID,
        "Admin",
        RoleType.ROOT,
        "Everything, everywhere in Flagstaff: every project, every setting, and the people, "
        "service accounts, roles and tokens that reach them.",
        (P.ADMIN,),
    ),
    PredefinedRole(
        EDITOR_ROLE_ID,
        "Editor",
        RoleType.ROOT,
        "Works on flags, strategies, segments, context fields and tags across Flagstaff, and "
        "may create projects, becoming the owner of each one created. Does not manage people, "
        "roles or instance settings.",
        (*_EDITOR_ROOT, *_FLAG_WORK, P.MOVE_FEATURE_TOGGLE, P.UPDATE_PROJECT, P.DELETE_PROJECT),
    ),
    PredefinedRole(
        VIEWER_ROLE_ID,
        "Viewer",
        RoleType.ROOT,
        "Reads what Flagstaff holds, API tokens excepted, and changes nothing unless a project "
        "role grants more in that project.",
        (),
    ),
    PredefinedRole(
        OWNER_ROLE_ID,
        "Owner",
        RoleType.PROJECT,
        "Runs the project: its flags, its settings and who has access to it, up to archiving "
        "or deleting it.",
        _OWNER_PROJECT,
    ),
    PredefinedRole(
        MEMBER_ROLE_ID,
        "Member",
        RoleType.PROJECT,
        "Creates, changes and switches the project's flags; does not manage the project's "
        "access, archive it or delete it.",
        _FLAG_WORK,
    ),
    PredefinedRole(
        READER_ROLE_ID,
        "Reader",
        RoleType.PROJECT,
        "Reads the project and changes nothing in it.",
        (),
    ),
)

PREDEFINED_BY_NAME = {role.name: role for role in PREDEFINED_ROLES}
