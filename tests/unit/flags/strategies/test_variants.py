"""Variant checks: weights kept as given, shapes and totals refused when wrong."""

from __future__ import annotations

from typing import Any

import pytest

from flagstaff.core.errors import BadDataError
from flagstaff.flags.strategies.variants import normalize_variants


def test_variants__weights__kept_as_given() -> None:
    given = [{"name": "a", "weight": 1}, {"name": "b", "weight": 49}, {"name": "c", "weight": 50}]
    assert normalize_variants(given, overrides_allowed=True) == given


def test_variants__fixed_weights_up_to_1000__accepted() -> None:
    given = [
        {"name": "a", "weight": 600, "weightType": "fix"},
        {"name": "b", "weight": 400, "weightType": "fix"},
        {"name": "c", "weight": 0, "weightType": "variable"},
    ]
    assert normalize_variants(given, overrides_allowed=False) == given


@pytest.mark.parametrize(
    ("variants", "fragment"),
    [
        ([{"name": "a", "weight": 1.5}], "whole number"),
        ([{"name": "a", "weight": True}], "whole number"),
        ([{"name": "", "weight": 1}], "name"),
        ([{"name": "a", "weight": 1}, {"name": "a", "weight": 2}], "unique"),
        ([{"name": "a", "weight": 1001, "weightType": "fix"}], "1000"),
        ([{"name": "a", "weight": 1, "stickiness": ""}], "stickiness"),
        ([{"name": "a", "weight": 1, "payload": "x"}], "payload"),
        ([{"name": "a", "weight": 1, "overrides": [{"values": []}]}], "contextName"),
    ],
)
def test_variants__invalid__refused(variants: list[dict[str, Any]], fragment: str) -> None:
    with pytest.raises(BadDataError, match=fragment):
        normalize_variants(variants, overrides_allowed=True)


def test_strategy_variants__overrides__refused() -> None:
    given = [{"name": "a", "weight": 1, "overrides": [{"contextName": "u", "values": ["1"]}]}]
    with pytest.raises(BadDataError, match="overrides"):
        normalize_variants(given, overrides_allowed=False)
