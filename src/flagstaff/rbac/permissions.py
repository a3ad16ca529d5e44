"""Every permission, named as Unleash names it, and the predefined roles that hold them."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class PermissionType(StrEnum):
    SPECIAL = "special"
    ROOT = "root"
    PROJECT = "project"
    ENVIRONMENT = "environment"


class Permission(StrEnum):
    # Special: ADMIN grants everything; NONE means "any authenticated caller".
    ADMIN = "ADMIN"
    NONE = "NONE"
    CLIENT = "CLIENT"
    FRONTEND = "FRONTEND"
    # Root
    CREATE_ADDON = "CREATE_ADDON"
    UPDATE_ADDON = "UPDATE_ADDON"
    DELETE_ADDON = "DELETE_ADDON"
    CREATE_CLIENT_API_TOKEN = "CREATE_CLIENT_API_TOKEN"
    READ_CLIENT_API_TOKEN = "READ_CLIENT_API_TOKEN"
    UPDATE_CLIENT_API_TOKEN = "UPDATE_CLIENT_API_TOKEN"
    DELETE_CLIENT_API_TOKEN = "DELETE_CLIENT_API_TOKEN"
    CREATE_FRONTEND_API_TOKEN = "CREATE_FRONTEND_API_TOKEN"
    READ_FRONTEND_API_TOKEN = "READ_FRONTEND_API_TOKEN"
    UPDATE_FRONTEND_API_TOKEN = "UPDATE_FRONTEND_API_TOKEN"
    DELETE_FRONTEND_API_TOKEN = "DELETE_FRONTEND_API_TOKEN"
    UPDATE_APPLICATION = "UPDATE_APPLICATION"
    CREATE_CONTEXT_FIELD = "CREATE_CONTEXT_FIELD"
    UPDATE_CONTEXT_FIELD = "UPDATE_CONTEXT_FIELD"
    DELETE_CONTEXT_FIELD = "DELETE_CONTEXT_FIELD"
    CREATE_PROJECT = "CREATE_PROJECT"
    READ_ROLE = "READ_ROLE"
    CREATE_SEGMENT = "CREATE_SEGMENT"
    UPDATE_SEGMENT = "UPDATE_SEGMENT"
    DELETE_SEGMENT = "DELETE_SEGMENT"
    CREATE_STRATEGY = "CREATE_STRATEGY"
    UPDATE_STRATEGY = "UPDATE_STRATEGY"
    DELETE_STRATEGY = "DELETE_STRATEGY"
    CREATE_TAG_TYPE = "CREATE_TAG_TYPE"
    UPDATE_TAG_TYPE = "UPDATE_TAG_TYPE"
    DELETE_TAG_TYPE = "DELETE_TAG_TYPE"
    RELEASE_PLAN_TEMPLATE_CREATE = "RELEASE_PLAN_TEMPLATE_CREATE"
    RELEASE_PLAN_TEMPLATE_UPDATE = "RELEASE_PLAN_TEMPLATE_UPDATE"
    RELEASE_PLAN_TEMPLATE_DELETE = "RELEASE_PLAN_TEMPLATE_DELETE"
    READ_LOGS = "READ_LOGS"
    UPDATE_MAINTENANCE_MODE = "UPDATE_MAINTENANCE_MODE"
    UPDATE_INSTANCE_BANNERS = "UPDATE_INSTANCE_BANNERS"
    UPDATE_CORS = "UPDATE_CORS"
    UPDATE_AUTH_CONFIGURATION = "UPDATE_AUTH_CONFIGURATION"
    # Project
    CREATE_FEATURE = "CREATE_FEATURE"
    UPDATE_FEATURE = "UPDATE_FEATURE"
    DELETE_FEATURE = "DELETE_FEATURE"
    UPDATE_FEATURE_DEPENDENCY = "UPDATE_FEATURE_DEPENDENCY"
    UPDATE_FEATURE_VARIANTS = "UPDATE_FEATURE_VARIANTS"
    MOVE_FEATURE_TOGGLE = "MOVE_FEATURE_TOGGLE"
    UPDATE_PROJECT = "UPDATE_PROJECT"
    DELETE_PROJECT = "DELETE_PROJECT"
    UPDATE_PROJECT_CONTEXT = "UPDATE_PROJECT_CONTEXT"
    UPDATE_PROJECT_SEGMENT = "UPDATE_PROJECT_SEGMENT"
    UPDATE_PROJECT_RELEASE_TEMPLATE = "UPDATE_PROJECT_RELEASE_TEMPLATE"
    READ_PROJECT_API_TOKEN = "READ_PROJECT_API_TOKEN"
    CREATE_PROJECT_API_TOKEN = "CREATE_PROJECT_API_TOKEN"
    DELETE_PROJECT_API_TOKEN = "DELETE_PROJECT_API_TOKEN"
    PROJECT_USER_ACCESS_READ = "PROJECT_USER_ACCESS_READ"
    PROJECT_USER_ACCESS_WRITE = "PROJECT_USER_ACCESS_WRITE"
    PROJECT_DEFAULT_STRATEGY_READ = "PROJECT_DEFAULT_STRATEGY_READ"
    PROJECT_DEFAULT_STRATEGY_WRITE = "PROJECT_DEFAULT_STRATEGY_WRITE"
    PROJECT_CHANGE_REQUEST_READ = "PROJECT_CHANGE_REQUEST_READ"
    PROJECT_CHANGE_REQUEST_WRITE = "PROJECT_CHANGE_REQUEST_WRITE"
    PROJECT_SETTINGS_READ = "PROJECT_SETTINGS_READ"
    PROJECT_SETTINGS_WRITE = "PROJECT_SETTINGS_WRITE"
    # Environment
    CREATE_FEATURE_STRATEGY = "CREATE_FEATURE_STRATEGY"
    UPDATE_FEATURE_STRATEGY = "UPDATE_FEATURE_STRATEGY"
    DELETE_FEATURE_STRATEGY = "DELETE_FEATURE_STRATEGY"
    UPDATE_FEATURE_ENVIRONMENT = "UPDATE_FEATURE_ENVIRONMENT"
    UPDATE_FEATURE_ENVIRONMENT_VARIANTS = "UPDATE_FEATURE_ENVIRONMENT_VARIANTS"
    APPROVE_CHANGE_REQUEST = "APPROVE_CHANGE_REQUEST"
    APPLY_CHANGE_REQUEST = "APPLY_CHANGE_REQUEST"
    SKIP_CHANGE_REQUEST = "SKIP_CHANGE_REQUEST"


@dataclass(frozen=True, slots=True)
class PermissionInfo:
    id: int
    type: PermissionType
    display_name: str


P = Permission
T = PermissionType
# Ids and display names as Unleash's `permissions` table has them, so role payloads match.
PERMISSIONS: dict[Permission, PermissionInfo] = {
    P.ADMIN: PermissionInfo(1, T.SPECIAL, "Admin"),
    P.NONE: PermissionInfo(0, T.SPECIAL, "None"),
    P.CLIENT: PermissionInfo(-1, T.SPECIAL, "Backend SDK"),
    P.FRONTEND: PermissionInfo(-2, T.SPECIAL, "Frontend SDK"),
    P.CREATE_FEATURE: PermissionInfo(2, T.PROJECT, "Create feature flags"),
    P.CREATE_STRATEGY: PermissionInfo(3, T.ROOT, "Create activation strategies"),
    P.CREATE_ADDON: PermissionInfo(4, T.ROOT, "Create addons"),
    P.DELETE_ADDON: PermissionInfo(5, T.ROOT, "Delete addons"),
    P.UPDATE_ADDON: PermissionInfo(6, T.ROOT, "Update addons"),
    P.UPDATE_FEATURE: PermissionInfo(7, T.PROJECT, "Update feature flags"),
    P.DELETE_FEATURE: PermissionInfo(8, T.PROJECT, "Delete feature flags"),
    P.UPDATE_APPLICATION: PermissionInfo(9, T.ROOT, "Update applications"),
    P.UPDATE_TAG_TYPE: PermissionInfo(10, T.ROOT, "Update tag types"),
    P.DELETE_TAG_TYPE: PermissionInfo(11, T.ROOT, "Delete tag types"),
    P.CREATE_PROJECT: PermissionInfo(12, T.ROOT, "Create projects"),
    P.UPDATE_PROJECT: PermissionInfo(13, T.PROJECT, "Update project"),
    P.DELETE_PROJECT: PermissionInfo(14, T.PROJECT, "Delete project"),
    P.UPDATE_STRATEGY: PermissionInfo(15, T.ROOT, "Update strategies"),
    P.DELETE_STRATEGY: PermissionInfo(16, T.ROOT, "Delete strategies"),
    P.UPDATE_CONTEXT_FIELD: PermissionInfo(17, T.ROOT, "Update context fields"),
    P.CREATE_CONTEXT_FIELD: PermissionInfo(18, T.ROOT, "Create context fields"),
    P.DELETE_CONTEXT_FIELD: PermissionInfo(19, T.ROOT, "Delete context fields"),
    P.READ_ROLE: PermissionInfo(20, T.ROOT, "Read roles"),
    P.CREATE_FEATURE_STRATEGY: PermissionInfo(25, T.ENVIRONMENT, "Create activation strategies"),
    P.UPDATE_FEATURE_STRATEGY: PermissionInfo(26, T.ENVIRONMENT, "Update activation strategies"),
    P.DELETE_FEATURE_STRATEGY: PermissionInfo(27, T.ENVIRONMENT, "Delete activation strategies"),
    P.UPDATE_FEATURE_ENVIRONMENT: PermissionInfo(28, T.ENVIRONMENT, "Enable/disable flags"),
    P.UPDATE_FEATURE_VARIANTS: PermissionInfo(29, T.PROJECT, "Create/edit variants"),
    P.MOVE_FEATURE_TOGGLE: PermissionInfo(30, T.PROJECT, "Change feature flag project"),
    P.CREATE_SEGMENT: PermissionInfo(31, T.ROOT, "Create segments"),
    P.UPDATE_SEGMENT: PermissionInfo(32, T.ROOT, "Edit segments"),
    P.DELETE_SEGMENT: PermissionInfo(33, T.ROOT, "Delete segments"),
    P.APPROVE_CHANGE_REQUEST: PermissionInfo(35, T.ENVIRONMENT, "Approve/Reject change requests"),
    P.APPLY_CHANGE_REQUEST: PermissionInfo(36, T.ENVIRONMENT, "Apply change requests"),
    P.UPDATE_FEATURE_ENVIRONMENT_VARIANTS: PermissionInfo(37, T.ENVIRONMENT, "Update variants"),
    P.SKIP_CHANGE_REQUEST: PermissionInfo(38, T.ENVIRONMENT, "Skip change request process"),
    P.READ_PROJECT_API_TOKEN: PermissionInfo(
        42, T.PROJECT, "Read api tokens for a specific project"
    ),
    P.CREATE_PROJECT_API_TOKEN: PermissionInfo(
        43, T.PROJECT, "Create api tokens for a specific project"
    ),
    P.DELETE_PROJECT_API_TOKEN: PermissionInfo(
        44, T.PROJECT, "Delete api tokens for a specific project"
    ),
    P.UPDATE_PROJECT_SEGMENT: PermissionInfo(45, T.PROJECT, "Create/edit project segment"),
    P.CREATE_CLIENT_API_TOKEN: PermissionInfo(50, T.ROOT, "Create Backend tokens"),
    P.UPDATE_CLIENT_API_TOKEN: PermissionInfo(51, T.ROOT, "Update Backend tokens"),
    P.DELETE_CLIENT_API_TOKEN: PermissionInfo(52, T.ROOT, "Delete Backend tokens"),
    P.READ_CLIENT_API_TOKEN: PermissionInfo(53, T.ROOT, "Read Backend tokens"),
    P.CREATE_FRONTEND_API_TOKEN: PermissionInfo(54, T.ROOT, "Create Frontend tokens"),
    P.UPDATE_FRONTEND_API_TOKEN: PermissionInfo(55, T.ROOT, "Update Frontend tokens"),
    P.DELETE_FRONTEND_API_TOKEN: PermissionInfo(56, T.ROOT, "Delete Frontend tokens"),
    P.READ_FRONTEND_API_TOKEN: PermissionInfo(57, T.ROOT, "Read Frontend tokens"),
    P.UPDATE_FEATURE_DEPENDENCY: PermissionInfo(58, T.PROJECT, "Update feature dependency"),
    P.CREATE_TAG_TYPE: PermissionInfo(59, T.ROOT, "Create tag types"),
    P.PROJECT_USER_ACCESS_READ: PermissionInfo(
        60, T.PROJECT, "View only access to Project User Access"
    ),
    P.PROJECT_DEFAULT_STRATEGY_READ: PermissionInfo(
        61, T.PROJECT, "View only access to default strategy configuration for project"
    ),
    P.PROJECT_CHANGE_REQUEST_READ: PermissionInfo(
        62, T.PROJECT, "View only access to change request configuration for project"
    ),
    P.PROJECT_SETTINGS_READ: PermissionInfo(63, T.PROJECT, "View only access to project settings"),
    P.PROJECT_USER_ACCESS_WRITE: PermissionInfo(
        64, T.PROJECT, "Write access to Project User Access"
    ),
    P.PROJECT_DEFAULT_STRATEGY_WRITE: PermissionInfo(
        65, T.PROJECT, "Write access to default strategy configuration for project"
    ),
    P.PROJECT_CHANGE_REQUEST_WRITE: PermissionInfo(
        66, T.PROJECT, "Write access to change request configuration for project"
    ),
    P.PROJECT_SETTINGS_WRITE: PermissionInfo(67, T.PROJECT, "Write access to project settings"),
    P.RELEASE_PLAN_TEMPLATE_CREATE: PermissionInfo(70, T.ROOT, "Create release plan template"),
    P.RELEASE_PLAN_TEMPLATE_UPDATE: PermissionInfo(71, T.ROOT, "Update release plan template"),
    P.RELEASE_PLAN_TEMPLATE_DELETE: PermissionInfo(72, T.ROOT, "Delete release plan template"),
    P.UPDATE_MAINTENANCE_MODE: PermissionInfo(73, T.ROOT, "Change maintenance mode state"),
    P.UPDATE_INSTANCE_BANNERS: PermissionInfo(74, T.ROOT, "Change instance banners"),
    P.UPDATE_AUTH_CONFIGURATION: PermissionInfo(75, T.ROOT, "Change authentication settings (SSO)"),
    P.READ_LOGS: PermissionInfo(76, T.ROOT, "Read instance logs and login history"),
    P.UPDATE_CORS: PermissionInfo(77, T.ROOT, "Update CORS settings"),
    P.UPDATE_PROJECT_CONTEXT: PermissionInfo(78, T.PROJECT, "Create/edit project context"),
    P.UPDATE_PROJECT_RELEASE_TEMPLATE: PermissionInfo(
        79, T.PROJECT, "Create/edit project release template"
    ),
}

PERMISSIONS_BY_ID = {info.id: name for name, info in PERMISSIONS.items()}


def permission_type(permission: Permission) -> PermissionType:
    return PERMISSIONS[permission].type


def permissions_of_type(kind: PermissionType) -> list[Permission]:
    return [name for name, info in PERMISSIONS.items() if info.type == kind]


def parse_permission(name: str) -> Permission | None:
    """The permission of that name, or None for a name this version does not know."""
    try:
        return Permission(name)
    except ValueError:
        return None
