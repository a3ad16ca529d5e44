"""Flag types, as Unleash lists them at ``/api/admin/feature-types``."""

from __future__ import annotations

from dataclasses import dataclass


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
