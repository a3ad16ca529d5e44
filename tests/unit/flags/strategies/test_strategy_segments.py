"""Setting a strategy's segments: exactly the ids given, once each, in id order, existing links
reused (replacing one with an equal new row would delete and insert the same key)."""

from __future__ import annotations

from flagstaff.flags.strategies.models import FeatureStrategy, FeatureStrategySegment
from flagstaff.flags.strategies.service import set_segments


def test_set_segments__deduplicated_sorted_missing_ids_kept() -> None:
    strategy = FeatureStrategy(id="s")
    set_segments(strategy, [9, 404_404, 2, 9])
    assert strategy.segment_ids == [2, 9, 404_404]


def test_set_segments__existing_links_reused_others_dropped() -> None:
    kept = FeatureStrategySegment(segment_id=2)
    strategy = FeatureStrategy(id="s", segment_links=[kept, FeatureStrategySegment(segment_id=3)])
    set_segments(strategy, [5, 2])
    assert strategy.segment_ids == [2, 5]
    assert strategy.segment_links[0] is kept


def test_set_segments__empty__cleared() -> None:
    strategy = FeatureStrategy(id="s", segment_links=[FeatureStrategySegment(segment_id=2)])
    set_segments(strategy, [])
    assert strategy.segment_ids == []
