"""Flag types, as Unleash lists them at ``/api/admin/feature-types``: built into code, each
with a default lifetime an admin may change (stored in ``feature_type_lifetimes``)."""

from __future__ import annotations

from dataclasses import dataclass, replace

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from flagstaff.core.db import utcnow
from flagstaff.core.errors import NotFoundError
from flagstaff.events.service import Actor, EventService
from flagstaff.flags.features.models import FeatureTypeLifetime


@dataclass(frozen=True)
class FeatureType:
    id: str
    name: str
    description: str
    lifetime_days: int | None

    def to_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "name": self.name,
            "description": self.description,
            "lifetimeDays": self.lifetime_days,
        }


FEATURE_TYPES = (
    FeatureType(
        "release",
        "Release",
        "Roll out new or incomplete features. Expected lifetime ~40 days",
        40,
    ),
    FeatureType(
        "experiment",
        "Experiment",
        "A/B and multivariate testing. Expected lifetime ~40 days",
        40,
    ),
    FeatureType(
        "operational",
        "Operational",
        "Transition between technical implementations with minimal risk. "
        "Expected lifetime: ~7 days",
        7,
    ),
    FeatureType(
        "kill-switch",
        "Kill switch",
        "Quickly disable certain functionalities or features. Expected lifetime: permanent",
        None,
    ),
    FeatureType(
        "permission",
        "Permission",
        "Control feature access based on user roles or entitlements. Expected lifetime: permanent",
        None,
    ),
    FeatureType(
        "sunset",
        "Sunset",
        "Coordinate the planned removal of an existing feature. Expected lifetime: ~90 days",
        90,
    ),
)

FEATURE_TYPE_IDS = tuple(t.id for t in FEATURE_TYPES)


def stored_lifetimes(session: Session) -> dict[str, int | None]:
    """Each type's lifetime in days: an admin's stored value, else the built-in default.
    None means never potentially stale."""
    lifetimes = {t.id: t.lifetime_days for t in FEATURE_TYPES}
    for row in session.scalars(select(FeatureTypeLifetime)):
        if row.type_id in lifetimes:
            lifetimes[row.type_id] = row.lifetime_days
    return lifetimes


class FeatureTypeService:
    def __init__(self, session: Session) -> None:
        self.session = session
        self.events = EventService(session)

    def all(self) -> list[FeatureType]:
        lifetimes = stored_lifetimes(self.session)
        return [replace(t, lifetime_days=lifetimes[t.id]) for t in FEATURE_TYPES]

    def update_lifetime(self, actor: Actor, type_id: str, lifetime_days: int | None) -> FeatureType:
        """Sets a type's lifetime; 0 is stored as None (never potentially stale), as Unleash.
        Type ids are matched case-insensitively, as Unleash lower-cases them."""
        known = {t.id: t for t in self.all()}
        before = known.get(type_id.lower())
        if before is None:
            raise NotFoundError(
                f'The feature type you tried to update ("{type_id}") does not exist.'
            )
        days = lifetime_days or None
        row = self.session.get(FeatureTypeLifetime, before.id, with_for_update=True)
        if row is None:
            try:
                with self.session.begin_nested():
                    self.session.add(FeatureTypeLifetime(type_id=before.id, lifetime_days=days))
            except IntegrityError:
                # Another request stored one a moment ago: update that row instead.
                row = self.session.get(
                    FeatureTypeLifetime, before.id, with_for_update=True, populate_existing=True
                )
        if row is not None:
            row.lifetime_days = days
            row.updated_at = utcnow()
            self.session.flush()
        after = replace(before, lifetime_days=days)
        self.events.record(
            actor, "feature-type-updated", data=after.to_json(), pre_data=before.to_json()
        )
        return after
