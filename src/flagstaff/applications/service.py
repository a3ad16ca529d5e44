"""Applications SDKs announced (``client_applications``), what admins say about them, and
what their instances and metrics show. As Unleash, a new application records
``application-created``; editing and deleting one record no event."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Select, delete, func, select
from sqlalchemy.orm import Session

from flagstaff.applications.models import ClientApplication, ClientInstance
from flagstaff.applications.sdks import is_frontend, outdated
from flagstaff.core.db import batches, engine_insert, utcnow
from flagstaff.core.errors import NotFoundError
from flagstaff.core.schemas import iso
from flagstaff.events.service import SYSTEM, Actor, EventService
from flagstaff.flags.features.models import Feature
from flagstaff.flags.metrics.models import ClientMetric
from flagstaff.flags.strategies.models import StrategyDefinition


def created_data(app: ClientApplication) -> dict[str, Any]:
    return {
        "appName": app.app_name,
        "description": app.description,
        "url": app.url,
        "color": app.color,
        "icon": app.icon,
        "createdBy": app.created_by,
        "createdAt": iso(app.created_at),
    }


def register_seen(session: Session, names: Iterable[str], actor: Actor = SYSTEM) -> None:
    """Create the applications not known yet (SDKs registered or reported them); each new
    one records ``application-created``. Concurrent batches create a name once."""
    events = EventService(session)
    ordered = sorted(set(names))
    for chunk in batches(ordered):
        now = utcnow()
        statement = (
            engine_insert(session, ClientApplication)
            .values([{"app_name": n, "created_by": actor.name, "created_at": now} for n in chunk])
            .on_conflict_do_nothing(index_elements=["app_name"])
            .returning(ClientApplication.app_name)
        )
        created = list(session.scalars(statement))
        for name in sorted(created):
            data = {"appName": name, "createdBy": actor.name, "createdAt": iso(now)}
            events.record(actor, "application-created", data=data)


@dataclass
class ApplicationPage:
    applications: list[dict[str, Any]]
    total: int


@dataclass
class ApplicationQuery:
    query: str | None = None
    offset: int = 0
    limit: int = 1000
    sort_by: str = "appName"
    sort_order: str = "asc"


SORT_COLUMNS = {
    "appName": ClientApplication.app_name,
    "createdAt": ClientApplication.created_at,
    "updatedAt": ClientApplication.updated_at,
}


@dataclass
class Usage:
    projects: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))

    def out(self) -> list[dict[str, Any]]:
        return [
            {"project": project, "environments": sorted(envs)}
            for project, envs in sorted(self.projects.items())
        ]


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


class ApplicationService:
    def __init__(self, session: Session) -> None:
        self.session = session
        self.events = EventService(session)

    def page(self, criteria: ApplicationQuery) -> ApplicationPage:
        statement: Select[Any] = select(ClientApplication)
        if criteria.query:
            pattern = _like(criteria.query)
            statement = statement.where(ClientApplication.app_name.ilike(pattern, escape="\\"))
        total = self.session.execute(
            select(func.count()).select_from(statement.subquery())
        ).scalar_one()
        column = SORT_COLUMNS[criteria.sort_by]
        ordering = column.desc() if criteria.sort_order == "desc" else column.asc()
        rows = list(
            self.session.scalars(
                statement.order_by(ordering, ClientApplication.app_name)
                .offset(criteria.offset)
                .limit(criteria.limit)
            )
        )
        names = [row.app_name for row in rows]
        strategies = self._strategies(names)
        usage = self._usage(names)
        return ApplicationPage(
            [
                {
                    **self._summary(row),
                    "strategies": sorted(strategies.get(row.app_name, set())),
                    "usage": usage[row.app_name].out() if row.app_name in usage else [],
                }
                for row in rows
            ],
            total,
        )

    def details(self, app_name: str) -> dict[str, Any]:
        app = self._get(app_name)
        instances = self._instances(app_name)
        used = sorted({s for i in instances for s in i.strategies if isinstance(s, str)})
        defined = {
            d.name: d
            for d in self.session.scalars(
                select(StrategyDefinition).where(StrategyDefinition.name.in_(used))
            )
        }
        seen = self._seen_flags(app_name)
        features = {
            f.name: f for f in self.session.scalars(select(Feature).where(Feature.name.in_(seen)))
        }
        return {
            **self._summary(app),
            "strategies": [
                {"name": name, "displayName": defined[name].display_name}
                if name in defined
                else {"name": name, "notFound": True}
                for name in used
            ],
            "instances": [
                {
                    "appName": i.app_name,
                    "instanceId": i.instance_id,
                    "environment": i.environment,
                    "sdkVersion": i.sdk_version,
                    "lastSeen": iso(i.last_seen_at),
                    "createdAt": iso(i.created_at),
                }
                for i in instances
            ],
            "seenToggles": [
                {
                    "name": name,
                    "project": features[name].project,
                    "type": features[name].type,
                    "stale": features[name].stale,
                }
                if name in features
                else {"name": name, "notFound": True}
                for name in seen
            ],
            "links": {"self": f"/api/applications/{app.app_name}"},
        }

    def overview(self, app_name: str) -> dict[str, Any]:
        self._get(app_name)
        flag_rows = self.session.execute(
            select(ClientMetric.environment, ClientMetric.feature_name, Feature.project)
            .distinct()
            .outerjoin(Feature, Feature.name == ClientMetric.feature_name)
            .where(ClientMetric.app_name == app_name)
        ).all()
        instances = self._instances(app_name)
        environments: dict[str, dict[str, Any]] = defaultdict(
            lambda: {"instances": set(), "sdks": set(), "lastSeen": None, "missing": set()}
        )
        for environment, feature, project in flag_rows:
            if project is None:
                environments[environment]["missing"].add(feature)
        for instance in instances:
            entry = environments[instance.environment]
            entry["instances"].add(instance.instance_id)
            if instance.sdk_version:
                entry["sdks"].add(instance.sdk_version)
            last: datetime | None = entry["lastSeen"]
            if last is None or instance.last_seen_at > last:
                entry["lastSeen"] = instance.last_seen_at
        used = {s for i in instances for s in i.strategies if isinstance(s, str)}
        defined = set(
            self.session.scalars(
                select(StrategyDefinition.name).where(StrategyDefinition.name.in_(used))
            )
        )
        return {
            "projects": sorted({project for _, _, project in flag_rows if project is not None}),
            "featureCount": len({feature for _, feature, _ in flag_rows}),
            "environments": [
                _environment(name, entry) for name, entry in sorted(environments.items())
            ],
            "issues": {"missingStrategies": sorted(used - defined)},
        }

    def update(self, actor: Actor, app_name: str, changes: dict[str, Any]) -> None:
        """Create or change an application (Unleash's upsert). Creating one records
        ``application-created``; a change records nothing, as in Unleash."""
        now = utcnow()
        statement = (
            engine_insert(self.session, ClientApplication)
            .values(app_name=app_name, created_by=actor.name, created_at=now, **changes)
            .on_conflict_do_nothing(index_elements=["app_name"])
            .returning(ClientApplication.app_name)
        )
        if self.session.scalars(statement).first() is not None:
            app = self._get(app_name)
            self.events.record(actor, "application-created", data=created_data(app))
            return
        existing = self.session.get(ClientApplication, app_name, with_for_update=True)
        if existing is None:  # deleted between the two statements
            raise NotFoundError(f"Could not find appName={app_name}")
        for name, value in changes.items():
            setattr(existing, name, value)
        existing.updated_at = now
        self.session.flush()

    def delete(self, app_name: str) -> None:
        """The application and its instances; its metrics stay, as in Unleash. Deleting an
        unknown application is not an error (Unleash answers 200 too)."""
        self.session.execute(delete(ClientInstance).where(ClientInstance.app_name == app_name))
        self.session.execute(
            delete(ClientApplication).where(ClientApplication.app_name == app_name)
        )

    def _get(self, app_name: str) -> ClientApplication:
        app = self.session.get(ClientApplication, app_name)
        if app is None:
            raise NotFoundError(f"Could not find appName={app_name}")
        return app

    def _instances(self, app_name: str) -> list[ClientInstance]:
        return list(
            self.session.scalars(
                select(ClientInstance)
                .where(ClientInstance.app_name == app_name)
                .order_by(ClientInstance.last_seen_at.desc(), ClientInstance.instance_id)
            )
        )

    def _seen_flags(self, app_name: str) -> list[str]:
        return list(
            self.session.scalars(
                select(ClientMetric.feature_name)
                .distinct()
                .where(ClientMetric.app_name == app_name)
                .order_by(ClientMetric.feature_name)
            )
        )

    def _strategies(self, names: list[str]) -> dict[str, set[str]]:
        found: dict[str, set[str]] = defaultdict(set)
        if not names:
            return found
        rows = self.session.execute(
            select(ClientInstance.app_name, ClientInstance.strategies).where(
                ClientInstance.app_name.in_(names)
            )
        )
        for app_name, strategies in rows:
            found[app_name].update(s for s in strategies or [] if isinstance(s, str))
        return found

    def _usage(self, names: list[str]) -> dict[str, Usage]:
        """Which projects (of the flags it reported) and environments an application used."""
        usage: dict[str, Usage] = defaultdict(Usage)
        if not names:
            return usage
        rows = self.session.execute(
            select(ClientMetric.app_name, Feature.project, ClientMetric.environment)
            .distinct()
            .join(Feature, Feature.name == ClientMetric.feature_name)
            .where(ClientMetric.app_name.in_(names))
        )
        for app_name, project, environment in rows:
            usage[app_name].projects[project].add(environment)
        return usage

    @staticmethod
    def _summary(app: ClientApplication) -> dict[str, Any]:
        return {
            "appName": app.app_name,
            "description": app.description,
            "url": app.url,
            "color": app.color,
            "icon": app.icon,
            "createdBy": app.created_by,
            "createdAt": iso(app.created_at),
            "updatedAt": iso(app.updated_at),
        }


def _environment(name: str, entry: dict[str, Any]) -> dict[str, Any]:
    sdks = sorted(entry["sdks"])
    return {
        "name": name,
        "instanceCount": len(entry["instances"]),
        "sdks": sdks,
        "frontendSdks": [s for s in sdks if is_frontend(s)],
        "backendSdks": [s for s in sdks if not is_frontend(s)],
        "lastSeen": iso(entry["lastSeen"]),
        "issues": {"missingFeatures": sorted(entry["missing"]), "outdatedSdks": outdated(sdks)},
    }
