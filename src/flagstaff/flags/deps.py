"""Path parameters and checks the flag routes share."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Path
from pydantic import AfterValidator

from flagstaff.core.errors import PermissionDeniedError
from flagstaff.flags.paths import restore_name
from flagstaff.http.deps import require
from flagstaff.rbac.permissions import Permission
from flagstaff.rbac.policy import is_allowed
from flagstaff.rbac.principal import Principal

ProjectId = Annotated[str, Path(alias="projectId", max_length=100)]
Environment = Annotated[str, Path(alias="environment", max_length=100)]
FeatureName = Annotated[str, Path(alias="featureName"), AfterValidator(restore_name)]
StrategyId = Annotated[str, Path(alias="strategyId", max_length=100)]


def project_permission(permission: Permission) -> Any:
    """The caller must hold ``permission`` in the path's project."""
    return Depends(require(permission, project_param="projectId"))


def env_permission(permission: Permission) -> Any:
    """The caller must hold ``permission`` in the path's project and environment."""
    return Depends(require(permission, project_param="projectId", env_param="environment"))


CreateFeatureDep = Annotated[Principal, project_permission(Permission.CREATE_FEATURE)]
UpdateFeatureDep = Annotated[Principal, project_permission(Permission.UPDATE_FEATURE)]
DeleteFeatureDep = Annotated[Principal, project_permission(Permission.DELETE_FEATURE)]
ToggleDep = Annotated[Principal, env_permission(Permission.UPDATE_FEATURE_ENVIRONMENT)]


def ensure_allowed(
    principal: Principal,
    permission: Permission,
    project: str | None = None,
    environment: str | None = None,
) -> None:
    """For routes whose project is not in the path (it comes from the flag)."""
    if not is_allowed(principal, permission, project, environment):
        raise PermissionDeniedError([permission.value])
