"""Instance statistics in Unleash's ``instanceAdminStatsSchema``, counted from the database.

Figures for features Flagstaff does not have (groups, SAML, OIDC, SCIM, release plans and
templates, read-only seats, Edge instance usage) are what Unleash reports when it has none:
zero, false or empty. None is invented.
"""

from __future__ import annotations

import hashlib
import uuid
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import distinct, func, select
from sqlalchemy.orm import Session

from flagstaff import __version__
from flagstaff.accounts.models import Account
from flagstaff.applications.models import ClientInstance
from flagstaff.core.db import utcnow
from flagstaff.core.keys import Keys
from flagstaff.core.schemas import iso
from flagstaff.credentials.account_tokens.models import AccountToken
from flagstaff.credentials.api_tokens.models import ApiToken
from flagstaff.events.models import Event
from flagstaff.flags.context.models import ContextField
from flagstaff.flags.environments.models import Environment
from flagstaff.flags.features.models import Feature
from flagstaff.flags.metrics.models import ClientMetric, ClientMetricVariant
from flagstaff.flags.projects.models import Project
from flagstaff.flags.segments.models import Segment
from flagstaff.flags.strategies.models import FeatureStrategy, StrategyDefinition
from flagstaff.rbac.models import Role, RoleType

ACTIVE_WINDOWS = {"last7": 7, "last30": 30, "last60": 60, "last90": 90}
PRODUCTION_WINDOWS = {"last30": 30, "last60": 60, "last90": 90}
EDGE_MONTHS = 12


def instance_id(keys: Keys) -> str:
    """Flagstaff keeps no instance id row (Unleash's migrations store a random one in its
    ``settings`` table). This one is a keyed digest under the server secret that every process
    shares: the same for the life of the secret, different between installations, and it
    reveals nothing of the secret or of any other digest (its purpose is its own)."""
    return str(uuid.UUID(hex=keys.digest("instance-id", "")[:32], version=4))


class InstanceStatsService:
    def __init__(self, session: Session, keys: Keys) -> None:
        self.session = session
        self.keys = keys

    def stats(self) -> dict[str, Any]:
        """The figures in Unleash's order, signed with Unleash's ``sum``."""
        now = utcnow()
        identifier = instance_id(self.keys)
        users = self._count(Account, Account.is_service.is_(False))
        flags = self._count(Feature, Feature.archived_at.is_(None))
        projects = self._count(Project, Project.archived_at.is_(None))
        roles = self._count(Role)
        groups = 0  # no groups in Flagstaff
        environments = self._count(Environment)
        segments = self._count(Segment)
        figures: dict[str, Any] = {
            "timestamp": iso(now),
            "instanceId": identifier,
            "versionOSS": __version__,
            "versionEnterprise": "",
            "users": users,
            "serviceAccounts": self._count(Account, Account.is_service.is_(True)),
            "apiTokens": self._api_tokens_by_type(),
            "activeUsers": self._active_accounts(now),
            "licensedUsers": self._licensed_users(),
            "featureToggles": flags,
            "archivedFeatureToggles": self._count(Feature, Feature.archived_at.is_not(None)),
            "projects": projects,
            "contextFields": self._count(ContextField),
            "roles": roles,
            "customRootRoles": self._count(Role, Role.type == RoleType.ROOT_CUSTOM),
            "customRootRolesInUse": self._custom_root_roles_in_use(),
            "groups": groups,
            "environments": environments,
            "segments": segments,
            "strategies": self._count(StrategyDefinition),
            "SAMLenabled": False,
            "OIDCenabled": False,
            "passwordAuthEnabled": True,  # password login cannot be switched off here
            "SCIMenabled": False,
            "clientApps": self._client_apps(now),
            "featureExports": self._count(Event, Event.type == "features-exported"),
            "featureImports": self._count(Event, Event.type == "features-imported"),
            "productionChanges": self._production_changes(now),
            "previousDayMetricsBucketsCount": self._previous_day_buckets(now),
            **self._strategy_maxima(),
            "releaseTemplates": 0,
            "releasePlans": 0,
            # Flagstaff records no Edge instance heartbeats: Unleash's shape with none seen.
            "edgeInstanceUsage": _empty_edge_usage(now),
            "readOnlyUsers": 0,  # no read-only seats in Flagstaff
        }
        # Unleash's checksum over the same figures, in its order, so a report can be checked
        # the same way.
        signed = f"{identifier}{users}{flags}{projects}{roles}{groups}{environments}{segments}"
        figures["sum"] = hashlib.sha256(signed.encode()).hexdigest()
        return figures

    def _count(self, model: type[Any], *where: Any) -> int:
        statement = select(func.count()).select_from(model).where(*where)
        return int(self.session.execute(statement).scalar_one())

    def _api_tokens_by_type(self) -> dict[str, int]:
        # As Unleash: only the types that have tokens appear.
        rows = self.session.execute(
            select(ApiToken.type, func.count()).group_by(ApiToken.type).order_by(ApiToken.type)
        )
        return {token_type: int(count) for token_type, count in rows}

    def _active_accounts(self, now: datetime) -> dict[str, int]:
        """Accounts (service accounts too, as Unleash) seen by login or by token use."""
        logins = select(Account.id, Account.seen_at).where(Account.seen_at.is_not(None))
        token_uses = select(AccountToken.account_id, AccountToken.seen_at).where(
            AccountToken.seen_at.is_not(None)
        )
        seen: dict[int, datetime] = {}
        for statement in (logins, token_uses):
            for account_id, moment in self.session.execute(statement):
                if moment is not None and (account_id not in seen or seen[account_id] < moment):
                    seen[account_id] = moment
        return {
            key: sum(1 for moment in seen.values() if moment > now - timedelta(days=days))
            for key, days in ACTIVE_WINDOWS.items()
        }

    def _licensed_users(self) -> int:
        # Unleash counts distinct e-mails of current users and of users deleted in the last 30
        # days. Flagstaff keeps no deleted users, so only current ones count.
        statement = select(func.count(distinct(Account.email))).where(
            Account.email.is_not(None), Account.is_service.is_(False)
        )
        return int(self.session.execute(statement).scalar_one())

    def _custom_root_roles_in_use(self) -> int:
        statement = (
            select(func.count(distinct(Account.root_role_id)))
            .join(Role, Role.id == Account.root_role_id)
            .where(Role.type == RoleType.ROOT_CUSTOM)
        )
        return int(self.session.execute(statement).scalar_one())

    def _client_apps(self, now: datetime) -> list[dict[str, Any]]:
        def distinct_apps(days: int | None) -> int:
            statement = select(func.count(distinct(ClientInstance.app_name)))
            if days is not None:
                statement = statement.where(
                    ClientInstance.last_seen_at > now - timedelta(days=days)
                )
            return int(self.session.execute(statement).scalar_one())

        return [
            {"range": "7d", "count": distinct_apps(7)},
            {"range": "30d", "count": distinct_apps(30)},
            {"range": "allTime", "count": distinct_apps(None)},
        ]

    def _production_changes(self, now: datetime) -> dict[str, int]:
        """Events in production-type environments, as Unleash counts them (a counter its
        events table bumps for every event that names an environment)."""
        production = select(Environment.name).where(Environment.type == "production")
        times = self.session.scalars(
            select(Event.created_at).where(
                Event.environment.in_(production),
                Event.created_at > now - timedelta(days=max(PRODUCTION_WINDOWS.values())),
            )
        ).all()
        return {
            key: sum(1 for moment in times if moment > now - timedelta(days=days))
            for key, days in PRODUCTION_WINDOWS.items()
        }

    def _previous_day_buckets(self, now: datetime) -> dict[str, int]:
        """Hourly metric rows stored for yesterday (UTC)."""
        today = now.replace(hour=0, minute=0, second=0, microsecond=0)
        yesterday = today - timedelta(days=1)
        return {
            "enabledCount": self._count(
                ClientMetric,
                ClientMetric.timestamp >= yesterday,
                ClientMetric.timestamp < today,
            ),
            "variantCount": self._count(
                ClientMetricVariant,
                ClientMetricVariant.timestamp >= yesterday,
                ClientMetricVariant.timestamp < today,
            ),
        }

    def _strategy_maxima(self) -> dict[str, int]:
        """The most strategies on one flag in one environment, constraints on one strategy
        and values in one constraint, over flags not archived."""
        per_environment = (
            select(func.count().label("strategies"))
            .select_from(FeatureStrategy)
            .join(Feature, Feature.name == FeatureStrategy.feature_name)
            .where(Feature.archived_at.is_(None))
            .group_by(FeatureStrategy.feature_name, FeatureStrategy.environment)
            .subquery()
        )
        most_strategies = self.session.execute(
            select(func.coalesce(func.max(per_environment.c.strategies), 0))
        ).scalar_one()
        constraint_lists = self.session.scalars(
            select(FeatureStrategy.constraints)
            .join(Feature, Feature.name == FeatureStrategy.feature_name)
            .where(Feature.archived_at.is_(None))
        )
        most_constraints = most_values = 0
        for constraints in constraint_lists:
            listed = constraints if isinstance(constraints, list) else []
            most_constraints = max(most_constraints, len(listed))
            for constraint in listed:
                values = constraint.get("values") if isinstance(constraint, dict) else None
                if isinstance(values, list):
                    most_values = max(most_values, len(values))
        return {
            "maxEnvironmentStrategies": int(most_strategies),
            "maxConstraintValues": most_values,
            "maxConstraints": most_constraints,
        }


def _empty_edge_usage(now: datetime) -> dict[str, int]:
    """Unleash's ``edgeInstanceUsage`` with no Edge instance seen: the last twelve months,
    newest first, each 0."""
    months: dict[str, int] = {}
    year, month = now.year, now.month
    for _ in range(EDGE_MONTHS):
        months[f"{year:04d}-{month:02d}"] = 0
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return months
