"""Imports every table so that Alembic and ``Base.metadata`` see the whole schema."""

from flagstaff.accounts.models import Account
from flagstaff.api_tokens.models import ApiToken, ApiTokenProject
from flagstaff.auth.models import LoginSession
from flagstaff.client_api.models import (
    ClientApplication,
    ClientInstance,
    ClientMetric,
    ClientMetricVariant,
)
from flagstaff.db import Base
from flagstaff.events.models import Event
from flagstaff.flags.models import (
    ContextField,
    Environment,
    Feature,
    FeatureDependency,
    FeatureEnvironment,
    FeatureStrategy,
    FeatureStrategySegment,
    FeatureTag,
    Project,
    ProjectEnvironment,
    Segment,
    StrategyDefinition,
    Tag,
    TagType,
)
from flagstaff.instance.models import InstanceSetting
from flagstaff.rbac.models import ProjectRoleAssignment, Role, RolePermission
from flagstaff.revision import Revision
from flagstaff.tokens.models import AccountToken

__all__ = [
    "Account",
    "AccountToken",
    "ApiToken",
    "ApiTokenProject",
    "Base",
    "ClientApplication",
    "ClientInstance",
    "ClientMetric",
    "ClientMetricVariant",
    "ContextField",
    "Environment",
    "Event",
    "Feature",
    "FeatureDependency",
    "FeatureEnvironment",
    "FeatureStrategy",
    "FeatureStrategySegment",
    "FeatureTag",
    "InstanceSetting",
    "LoginSession",
    "Project",
    "ProjectEnvironment",
    "ProjectRoleAssignment",
    "Revision",
    "Role",
    "RolePermission",
    "Segment",
    "StrategyDefinition",
    "Tag",
    "TagType",
]
