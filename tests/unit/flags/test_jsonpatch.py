"""JSON Patch (RFC 6902) as the PATCH endpoints use it."""

from __future__ import annotations

from typing import Any

import pytest

from flagstaff.core.errors import BadDataError
from flagstaff.flags.jsonpatch import apply_patch


def test_patch__every_operation__applied_to_a_copy() -> None:
    document: dict[str, Any] = {"a": 1, "list": [1, 2], "nested": {"x": "y"}, "t~/": 0}
    result = apply_patch(
        document,
        [
            {"op": "replace", "path": "/a", "value": 2},
            {"op": "add", "path": "/list/-", "value": 3},
            {"op": "add", "path": "/list/0", "value": 0},
            {"op": "remove", "path": "/list/1"},
            {"op": "copy", "from": "/nested/x", "path": "/copied"},
            {"op": "move", "from": "/copied", "path": "/moved"},
            {"op": "test", "path": "/moved", "value": "y"},
            {"op": "replace", "path": "/t~0~1", "value": 1},
        ],
    )
    assert result == {"a": 2, "list": [0, 2, 3], "nested": {"x": "y"}, "moved": "y", "t~/": 1}
    assert document["a"] == 1
    assert document["list"] == [1, 2]


@pytest.mark.parametrize(
    "operation",
    [
        {"op": "replace", "path": "/missing", "value": 1},
        {"op": "remove", "path": "/list/5"},
        {"op": "add", "path": "/list/01", "value": 1},
        {"op": "add", "path": "a", "value": 1},
        {"op": "add", "path": "/a"},
        {"op": "move", "path": "/b"},
        {"op": "test", "path": "/a", "value": 2},
        {"op": "jump", "path": "/a"},
        {"op": "add", "path": "/a/deeper", "value": 1},
        {"op": "remove", "path": ""},
    ],
)
def test_patch__invalid__bad_data(operation: dict[str, Any]) -> None:
    with pytest.raises(BadDataError):
        apply_patch({"a": 1, "list": [1]}, [operation])


def test_patch__whole_document_replaced() -> None:
    assert apply_patch([1], [{"op": "replace", "path": "", "value": [2]}]) == [2]
