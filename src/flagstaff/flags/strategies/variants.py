"""Variants of a flag (per environment) and of a strategy, checked before they are stored.

Weights are kept as given: SDKs divide by the total, so ``1, 1`` splits like ``500, 500``, and the
client specification's weights (``1, 49, 50``) must reach the SDK unchanged.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from flagstaff.core.errors import BadDataError

MAX_WEIGHT = 1000
WEIGHT_TYPES = ("variable", "fix")
PAYLOAD_TYPES = ("json", "csv", "string", "number")
MAX_NAME = 255


def normalize_variants(
    raw: Iterable[Mapping[str, Any]], *, overrides_allowed: bool
) -> list[dict[str, Any]]:
    variants = [_variant(item, i, overrides_allowed) for i, item in enumerate(raw)]
    names = [v["name"] for v in variants]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise BadDataError(f"Variant names must be unique; repeated: {', '.join(duplicates)}")
    fixed = sum(v["weight"] for v in variants if v.get("weightType") == "fix")
    if fixed > MAX_WEIGHT:
        raise BadDataError(f"The fixed variant weights add up to {fixed}; at most 1000 is allowed")
    return variants


def _variant(raw: Mapping[str, Any], index: int, overrides_allowed: bool) -> dict[str, Any]:
    where = f"variants[{index}]"
    name = raw.get("name")
    if not isinstance(name, str) or not name.strip() or len(name) > MAX_NAME:
        raise BadDataError(f"{where}: `name` must be a non-empty string of at most 255 characters")
    weight = raw.get("weight")
    if isinstance(weight, bool) or not isinstance(weight, int | float) or weight != int(weight):
        raise BadDataError(f"{where}: `weight` must be a whole number")
    if not 0 <= weight <= MAX_WEIGHT:
        raise BadDataError(f"{where}: `weight` must be between 0 and 1000")
    variant: dict[str, Any] = {"name": name, "weight": int(weight)}
    weight_type = raw.get("weightType")
    if weight_type is not None:
        if weight_type not in WEIGHT_TYPES:
            raise BadDataError(f"{where}: `weightType` must be 'variable' or 'fix'")
        variant["weightType"] = weight_type
    stickiness = raw.get("stickiness")
    if stickiness is not None:
        if not isinstance(stickiness, str) or not stickiness:
            raise BadDataError(f"{where}: `stickiness` must be a non-empty string")
        variant["stickiness"] = stickiness
    payload = raw.get("payload")
    if payload is not None:
        variant["payload"] = _payload(where, payload)
    overrides = raw.get("overrides")
    if overrides is not None:
        if not overrides_allowed and overrides:
            raise BadDataError(f"{where}: strategy variants have no `overrides`")
        variant["overrides"] = _overrides(where, overrides)
    return variant


def _payload(where: str, payload: object) -> dict[str, str]:
    if not isinstance(payload, Mapping):
        raise BadDataError(f"{where}: `payload` must be an object with `type` and `value`")
    kind, value = payload.get("type"), payload.get("value")
    if kind not in PAYLOAD_TYPES:
        raise BadDataError(f"{where}: payload `type` must be one of {', '.join(PAYLOAD_TYPES)}")
    if not isinstance(value, str):
        raise BadDataError(f"{where}: payload `value` must be a string")
    return {"type": kind, "value": value}


def _overrides(where: str, overrides: object) -> list[dict[str, Any]]:
    if not isinstance(overrides, list):
        raise BadDataError(f"{where}: `overrides` must be a list")
    result = []
    for item in overrides:
        if not isinstance(item, Mapping):
            raise BadDataError(f"{where}: each override is an object")
        context_name, values = item.get("contextName"), item.get("values")
        if not isinstance(context_name, str) or not context_name:
            raise BadDataError(f"{where}: an override needs a `contextName`")
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            raise BadDataError(f"{where}: override `values` must be a list of strings")
        result.append({"contextName": context_name, "values": list(values)})
    return result
