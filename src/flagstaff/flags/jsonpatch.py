"""JSON Patch (RFC 6902) on plain JSON values, for Unleash's PATCH endpoints."""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from typing import Any

from flagstaff.core.errors import BadDataError

OPERATIONS = ("add", "remove", "replace", "move", "copy", "test")


def apply_patch(document: Any, operations: Sequence[Mapping[str, Any]]) -> Any:
    """A patched copy of ``document``; the original is left alone. Any failure is a 400."""
    result = copy.deepcopy(document)
    for index, operation in enumerate(operations):
        result = _apply_one(result, operation, f"operation {index}")
    return result


def _apply_one(document: Any, operation: Mapping[str, Any], where: str) -> Any:
    op = operation.get("op")
    path = operation.get("path")
    if op not in OPERATIONS:
        raise BadDataError(f"{where}: `op` must be one of {', '.join(OPERATIONS)}")
    if not isinstance(path, str):
        raise BadDataError(f"{where}: `path` must be a JSON pointer string")
    if op in ("add", "replace", "test") and "value" not in operation:
        raise BadDataError(f"{where}: `{op}` needs a `value`")
    if op == "test":
        if _get(document, _pointer_parts(path, where), where) != operation["value"]:
            raise BadDataError(f"{where}: test failed at {path}")
        return document
    if op in ("move", "copy"):
        source = operation.get("from")
        if not isinstance(source, str):
            raise BadDataError(f"{where}: `{op}` needs a `from` pointer")
        value = copy.deepcopy(_get(document, _pointer_parts(source, where), where))
        if op == "move":
            document = _remove(document, _pointer_parts(source, where), where)
        return _add(document, _pointer_parts(path, where), value, where)
    parts = _pointer_parts(path, where)
    if op == "remove":
        return _remove(document, parts, where)
    if op == "replace" and parts:
        document = _remove(document, parts, where)
    return _add(document, parts, copy.deepcopy(operation["value"]), where)


def _pointer_parts(pointer: str, where: str) -> list[str]:
    if pointer == "":
        return []
    if not pointer.startswith("/"):
        raise BadDataError(f"{where}: {pointer!r} is not a JSON pointer")
    return [part.replace("~1", "/").replace("~0", "~") for part in pointer[1:].split("/")]


def _index(container: list[Any], part: str, where: str, *, for_add: bool) -> int:
    if for_add and part == "-":
        return len(container)
    if not part.isdigit() or (len(part) > 1 and part.startswith("0")):
        raise BadDataError(f"{where}: {part!r} is not an array index")
    index = int(part)
    limit = len(container) if for_add else len(container) - 1
    if index > limit:
        raise BadDataError(f"{where}: index {index} is out of range")
    return index


def _get(document: Any, parts: list[str], where: str) -> Any:
    current = document
    for part in parts:
        if isinstance(current, dict):
            if part not in current:
                raise BadDataError(f"{where}: nothing at /{'/'.join(parts)}")
            current = current[part]
        elif isinstance(current, list):
            current = current[_index(current, part, where, for_add=False)]
        else:
            raise BadDataError(f"{where}: nothing at /{'/'.join(parts)}")
    return current


def _add(document: Any, parts: list[str], value: Any, where: str) -> Any:
    if not parts:
        return value
    parent = _get(document, parts[:-1], where)
    last = parts[-1]
    if isinstance(parent, dict):
        parent[last] = value
    elif isinstance(parent, list):
        parent.insert(_index(parent, last, where, for_add=True), value)
    else:
        raise BadDataError(f"{where}: cannot add below a plain value")
    return document


def _remove(document: Any, parts: list[str], where: str) -> Any:
    if not parts:
        raise BadDataError(f"{where}: cannot remove the whole document")
    parent = _get(document, parts[:-1], where)
    last = parts[-1]
    if isinstance(parent, dict):
        if last not in parent:
            raise BadDataError(f"{where}: nothing to remove at /{'/'.join(parts)}")
        del parent[last]
    elif isinstance(parent, list):
        del parent[_index(parent, last, where, for_add=False)]
    else:
        raise BadDataError(f"{where}: cannot remove below a plain value")
    return document
