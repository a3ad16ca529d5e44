"""The evaluation context of a Frontend API request, built as Unleash builds it: the well-known
fields at the top, everything else under ``properties``; ``remoteAddress`` is the caller's IP
unless the request gives one (a given value always wins).

Unlike Unleash, no random ``sessionId`` is invented when the request has none: the client
specification expects a session rollout to be off without a session, and default stickiness
falls back to random on its own."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

TOP_LEVEL = ("appName", "environment", "userId", "sessionId", "remoteAddress", "currentTime")
PROPERTY_PARAM = re.compile(r"^properties\[(.+)\]$")
MAX_VALUE = 10_000


def _text(value: Any) -> str | None:
    """Context values are strings to the engine; numbers and booleans are given as text."""
    if value is None or isinstance(value, dict | list):
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    text = str(value)
    return text[:MAX_VALUE] if text else None


def from_pairs(pairs: Iterable[tuple[str, str]]) -> dict[str, Any]:
    """Query parameters: ``userId=…``, ``properties[tenant]=…`` or any other name (a property)."""
    data: dict[str, Any] = {}
    properties: dict[str, Any] = {}
    for key, value in pairs:
        match = PROPERTY_PARAM.match(key)
        if match:
            properties[match.group(1)] = value
        else:
            data[key] = value
    if properties:
        data["properties"] = properties
    return data


def build(data: Mapping[str, Any], client_ip: str | None) -> dict[str, Any]:
    context: dict[str, Any] = {}
    properties: dict[str, str] = {}
    for key, value in data.items():
        if key == "properties":
            continue
        text = _text(value)
        if text is None:
            continue
        if key in TOP_LEVEL:
            context[key] = text
        else:
            properties[key] = text
    given = data.get("properties")
    if isinstance(given, Mapping):
        for key, value in given.items():
            text = _text(value)
            if text is not None:
                properties[str(key)] = text
    if "remoteAddress" not in context and client_ip:
        context["remoteAddress"] = client_ip
    if properties:
        context["properties"] = properties
    return context
