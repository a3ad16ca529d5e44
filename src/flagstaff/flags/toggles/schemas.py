"""What clients send to switch several flags at once."""

from __future__ import annotations

from flagstaff.core.schemas import InputModel
from flagstaff.flags.schemas import FeatureNames


class BulkToggleIn(InputModel):
    features: FeatureNames
