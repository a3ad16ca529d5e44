"""The webhook provider offers every event type the code records, so each can be subscribed
to (an unknown one is refused when an addon is saved)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from flagstaff.addons.providers import EVENT_TYPES

pytestmark = pytest.mark.engine_independent

SRC = Path(__file__).resolve().parents[3] / "src" / "flagstaff"


def _recorded_types() -> set[str]:
    """Event types passed to ``record`` as text: literals, both arms of a conditional, the
    module constants they name, and the ``-<action>`` literal families."""
    found: set[str] = set()
    for path in SRC.rglob("*.py"):
        tree = ast.parse(path.read_text())
        constants = {
            target.id: node.value.value
            for node in ast.walk(tree)
            if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant)
            for target in node.targets
            if isinstance(target, ast.Name) and isinstance(node.value.value, str)
        }
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "record"):
                continue
            if len(node.args) < 2:
                continue
            argument = node.args[1]
            options = (
                [argument.body, argument.orelse] if isinstance(argument, ast.IfExp) else [argument]
            )
            for option in options:
                if isinstance(option, ast.Constant) and isinstance(option.value, str):
                    found.add(option.value)
                elif isinstance(option, ast.Name) and option.id in constants:
                    found.add(constants[option.id])
    return found


def test_event_types__every_recorded_type__offered() -> None:
    recorded = _recorded_types()
    assert len(recorded) > 60  # the scan finds them
    assert sorted(recorded - set(EVENT_TYPES)) == []


def test_event_types__token_lifecycle__offered() -> None:
    for action in ("expiring", "revoked", "rotated"):
        assert f"pat-{action}" in EVENT_TYPES
        assert f"service-account-token-{action}" in EVENT_TYPES
    assert "token-reuse-detected" in EVENT_TYPES
    assert "token-leak-reported" in EVENT_TYPES
    assert len(set(EVENT_TYPES)) == len(EVENT_TYPES)
