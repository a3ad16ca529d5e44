"""Path parameters and checks the flag routes share."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path
from pydantic import AfterValidator

from flagstaff.auth.principal import Principal
from flagstaff.errors import PermissionDeniedError
from flagstaff.flags.paths import restore_name
from flagstaff.rbac.permissions import Permission
from flagstaff.rbac.policy import is_allowed

ProjectId = Annotated[str, Path(alias="projectId", max_length=100)]
Environment = Annotated[str, Path(alias="environment", max_length=100)]
FeatureName = Annotated[str, Path(alias="featureName"), AfterValidator(restore_name)]
StrategyId = Annotated[str, Path(alias="strategyId", max_length=100)]


def ensure_allowed(
    principal: Principal,
    permission: Permission,
    project: str | None = None,
    environment: str | None = None,
) -> None:
    """For routes whose project is not in the path (it comes from the flag)."""
    if not is_allowed(principal, permission, project, environment):
        raise PermissionDeniedError([permission.value])
