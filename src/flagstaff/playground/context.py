"""The playground's evaluation context: Unleash's sdkContextSchema checked, and for the advanced
playground, comma-separated values expanded into every combination.

As in Unleash, numbers and booleans given for string fields count as their text. ``appName`` is
required; ``currentTime`` must be an RFC 3339 date-time; ``properties`` holds strings. The simple
playground refuses any other value; the advanced one drops top-level values that are not strings
and names them in ``warnings.invalidContextProperties``, as Unleash does.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flagstaff.core.errors import BadDataError

KNOWN = ("appName", "environment", "userId", "sessionId", "remoteAddress", "currentTime")
MAX_VALUE = 10_000


@dataclass(frozen=True)
class CheckedContext:
    # Top-level fields and properties, every value a string; properties under "properties".
    fields: dict[str, Any]
    removed: list[str]


def check(given: Mapping[str, Any], *, lenient: bool) -> CheckedContext:
    """The context with every value a string, or a 400 naming the first bad field. ``lenient``
    (the advanced playground) drops bad top-level fields other than the known ones."""
    fields: dict[str, Any] = {}
    removed: list[str] = []
    for key, value in given.items():
        if key == "properties":
            continue
        text = _text(value)
        if text is None:
            if lenient and key not in KNOWN:
                removed.append(key)
                continue
            raise BadDataError(_invalid(f"context/{key}", "must be a string"))
        fields[key] = text
    app_name = fields.get("appName")
    if not app_name:
        raise BadDataError(
            "The `/body/context/appName` property is required. It was not present on the data "
            "you sent."
            if "appName" not in given
            else _invalid("context/appName", "must not be empty")
        )
    properties = given.get("properties")
    if properties is not None or "properties" in given:
        if not isinstance(properties, Mapping):
            raise BadDataError(_invalid("context/properties", "must be an object"))
        checked: dict[str, str] = {}
        for key, value in properties.items():
            text = _text(value)
            if text is None:
                raise BadDataError(_invalid(f"context/properties/{key}", "must be a string"))
            checked[str(key)] = text
        fields["properties"] = checked
    return CheckedContext(fields, removed)


def check_current_time(value: str) -> None:
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        parsed = None
    if parsed is None or parsed.tzinfo is None:
        raise BadDataError(
            _invalid("context/currentTime", f'must match format "date-time". You sent "{value}"')
        )


def single(checked: CheckedContext) -> dict[str, Any]:
    """The context of the simple playground, its currentTime checked."""
    if "currentTime" in checked.fields:
        check_current_time(checked.fields["currentTime"])
    return checked.fields


def combination_count(checked: CheckedContext) -> int:
    return math.prod(len(values) for values in _split(checked.fields).values())


def combinations(checked: CheckedContext) -> list[dict[str, str]]:
    """Every combination of the comma-separated values, flat (properties beside the top-level
    fields, as Unleash shows them), ``appName`` varied last; call after ``combination_count``
    was found acceptable."""
    split = _split(checked.fields)
    for value in split.get("currentTime", []):
        check_current_time(value)
    results: list[dict[str, str]] = [{}]
    for key, values in split.items():
        results = [{**result, key: value} for result in results for value in values]
    return results


def _split(fields: Mapping[str, Any]) -> dict[str, list[str]]:
    flat: dict[str, list[str]] = {}
    for key, value in fields.items():
        if key in ("properties", "appName"):
            continue
        flat[key] = value.split(",")
    for key, value in fields.get("properties", {}).items():
        flat[key] = value.split(",")
    flat["appName"] = fields["appName"].split(",")
    return flat


def _text(value: Any) -> str | None:
    if isinstance(value, str):
        return value[:MAX_VALUE]
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    return None


def _invalid(path: str, problem: str) -> str:
    return f"The `/body/{path}` property {problem}."
