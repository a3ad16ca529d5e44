"""Constraints as the client specification defines them, checked before they are stored.

Refused: an unknown operator, a missing ``value`` for a single-value operator, an empty entry in
``values`` (as Unleash refuses it), a number, date, semantic version or regular expression that
the SDKs could never match. Accepted as given: empty
value lists and IN_CIDR entries that are not networks (SDKs skip those), as the specification
expects.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from flagstaff.core.errors import BadDataError
from flagstaff.flags.constraints.regex_syntax import RegexSyntaxError, check_regex

MULTI_VALUE_OPERATORS = frozenset(
    {"IN", "NOT_IN", "STR_CONTAINS", "STR_STARTS_WITH", "STR_ENDS_WITH", "IN_CIDR"}
)
NUMBER_OPERATORS = frozenset({"NUM_EQ", "NUM_GT", "NUM_GTE", "NUM_LT", "NUM_LTE"})
DATE_OPERATORS = frozenset({"DATE_AFTER", "DATE_BEFORE"})
SEMVER_OPERATORS = frozenset({"SEMVER_EQ", "SEMVER_GT", "SEMVER_LT", "SEMVER_GTE", "SEMVER_LTE"})
SINGLE_VALUE_OPERATORS = NUMBER_OPERATORS | DATE_OPERATORS | SEMVER_OPERATORS | {"REGEX"}
OPERATORS = MULTI_VALUE_OPERATORS | SINGLE_VALUE_OPERATORS

# semver.org's own expression: no leading "v", no missing parts.
SEMVER = re.compile(
    r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)"
    r"(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?"
    r"(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$"
)
NUMBER = re.compile(r"^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$")
MAX_CONTEXT_NAME = 255


def normalize_constraints(raw: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    return [normalize_constraint(item, index) for index, item in enumerate(raw)]


def normalize_constraint(raw: Mapping[str, Any], index: int = 0) -> dict[str, Any]:
    """The constraint as it is stored and served: the keys given, checked."""
    return _normalize(raw, f"constraints[{index}]")


def validate_constraint(raw: Mapping[str, Any]) -> None:
    """One constraint on its own (``POST /api/admin/constraints/validate``), by the same rules."""
    _normalize(raw, "constraint")


def _normalize(raw: Mapping[str, Any], where: str) -> dict[str, Any]:
    context_name = raw.get("contextName")
    if not isinstance(context_name, str) or not context_name.strip():
        raise BadDataError(f"{where}: `contextName` must be a non-empty string")
    if len(context_name) > MAX_CONTEXT_NAME:
        raise BadDataError(f"{where}: `contextName` is longer than {MAX_CONTEXT_NAME} characters")
    operator = raw.get("operator")
    if operator not in OPERATORS:
        allowed = ", ".join(sorted(OPERATORS))
        raise BadDataError(
            f"{where}: the operator {operator!r} is not one of the allowed operators: {allowed}"
        )
    constraint: dict[str, Any] = {"contextName": context_name, "operator": operator}
    for flag in ("inverted", "caseInsensitive"):
        if flag in raw and raw[flag] is not None:
            if not isinstance(raw[flag], bool):
                raise BadDataError(f"{where}: `{flag}` must be a boolean")
            constraint[flag] = raw[flag]
    values = raw.get("values")
    if values is not None:
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            raise BadDataError(f"{where}: `values` must be a list of strings")
        if "" in values:
            # Unleash refuses an empty entry (on a strategy's constraints and a segment's).
            raise BadDataError(f'"{where}.values[{values.index("")}]" is not allowed to be empty.')
        constraint["values"] = list(values)
    value = raw.get("value")
    if value is not None:
        if not isinstance(value, str):
            raise BadDataError(f"{where}: `value` must be a string")
        if value == "" and operator in MULTI_VALUE_OPERATORS:
            # Unleash's schema refuses it; a single-value operator says so below.
            raise BadDataError(f"{where}: `value` must not be empty (leave it out instead)")
        constraint["value"] = value
    if operator in MULTI_VALUE_OPERATORS:
        constraint.setdefault("values", [])
    else:
        _check_single_value(where, operator, value)
    return constraint


def _check_single_value(where: str, operator: str, value: object) -> None:
    if not isinstance(value, str) or value == "":
        raise BadDataError(f"{where}: the {operator} operator needs a non-empty `value`")
    if operator in NUMBER_OPERATORS and not NUMBER.match(value):
        raise BadDataError(f"{where}: {value!r} is not a valid number for {operator}")
    if operator in DATE_OPERATORS and not _is_date(value):
        raise BadDataError(f"{where}: {value!r} is not a valid ISO 8601 date for {operator}")
    if operator in SEMVER_OPERATORS and not SEMVER.match(value):
        raise BadDataError(
            f"{where}: {value!r} is not a valid semantic version (semver.org, such as 1.2.3 "
            f"or 2.0.0-beta.1) for {operator}"
        )
    if operator == "REGEX":
        try:
            check_regex(value)
        except RegexSyntaxError as problem:
            raise BadDataError(
                f"{where}: {value!r} is not a valid regular expression: {problem}"
            ) from None


def _is_date(value: str) -> bool:
    try:
        datetime.fromisoformat(value.strip())
    except ValueError:
        return False
    return True
