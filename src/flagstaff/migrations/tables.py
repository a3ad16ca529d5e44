"""Imports every table so that Alembic and ``Base.metadata`` see the whole schema."""

from flagstaff.accounts.models import Account, LoginFailures, LoginSession
from flagstaff.addons.models import Addon, DeliveryAttempt
from flagstaff.applications.models import ClientApplication, ClientInstance
from flagstaff.core.db import Base
from flagstaff.core.leases import JobLease
from flagstaff.core.limits import RateLimitWindow
from flagstaff.core.revision import Revision
from flagstaff.credentials.account_tokens.models import AccountToken, TokenClientIp
from flagstaff.credentials.api_tokens.models import ApiToken, ApiTokenProject
from flagstaff.credentials.federation.models import AcceptedIdToken, TrustPolicy
from flagstaff.events.models import Event, EventSubscription, OutboxEntry
from flagstaff.flags.context.models import ContextField
from flagstaff.flags.environments.models import Environment
from flagstaff.flags.favorites.models import FavoriteFeature, FavoriteProject
from flagstaff.flags.features.models import (
    Feature,
    FeatureDependency,
    FeatureEnvironment,
    FeatureLifecycleStage,
    FeatureLink,
    FeatureTypeLifetime,
)
from flagstaff.flags.metrics.models import ClientMetric, ClientMetricVariant
from flagstaff.flags.projects.models import Project, ProjectEnvironment
from flagstaff.flags.segments.models import Segment
from flagstaff.flags.strategies.models import (
    FeatureStrategy,
    FeatureStrategySegment,
    StrategyDefinition,
)
from flagstaff.flags.tags.models import FeatureTag, Tag, TagType
from flagstaff.instance.models import InstanceSetting
from flagstaff.rbac.models import AccountManager, ProjectRoleAssignment, Role, RolePermission

__all__ = [
    "AcceptedIdToken",
    "Account",
    "AccountManager",
    "AccountToken",
    "Addon",
    "ApiToken",
    "ApiTokenProject",
    "Base",
    "ClientApplication",
    "ClientInstance",
    "ClientMetric",
    "ClientMetricVariant",
    "ContextField",
    "DeliveryAttempt",
    "Environment",
    "Event",
    "EventSubscription",
    "FavoriteFeature",
    "FavoriteProject",
    "Feature",
    "FeatureDependency",
    "FeatureEnvironment",
    "FeatureLifecycleStage",
    "FeatureLink",
    "FeatureStrategy",
    "FeatureStrategySegment",
    "FeatureTag",
    "FeatureTypeLifetime",
    "InstanceSetting",
    "JobLease",
    "LoginFailures",
    "LoginSession",
    "OutboxEntry",
    "Project",
    "ProjectEnvironment",
    "ProjectRoleAssignment",
    "RateLimitWindow",
    "Revision",
    "Role",
    "RolePermission",
    "Segment",
    "StrategyDefinition",
    "Tag",
    "TagType",
    "TokenClientIp",
    "TrustPolicy",
]
