"""Constraint checks: what is refused, and what is kept exactly as given."""

from __future__ import annotations

from typing import Any

import pytest

from flagstaff.core.errors import BadDataError
from flagstaff.flags.constraints.validation import (
    OPERATORS,
    normalize_constraint,
    normalize_constraints,
    validate_constraint,
)


def test_operators__client_specification_set() -> None:
    assert {
        "IN", "NOT_IN", "STR_CONTAINS", "STR_STARTS_WITH", "STR_ENDS_WITH",
        "NUM_EQ", "NUM_GT", "NUM_GTE", "NUM_LT", "NUM_LTE", "DATE_AFTER", "DATE_BEFORE",
        "SEMVER_EQ", "SEMVER_GT", "SEMVER_LT", "SEMVER_GTE", "SEMVER_LTE", "REGEX", "IN_CIDR",
    } == OPERATORS  # fmt: skip


def test_normalize__keys_given__kept_in_unleash_form() -> None:
    raw = {"contextName": "userId", "operator": "IN", "values": ["a"], "inverted": True}
    assert normalize_constraint(raw) == raw


def test_normalize__none_flags__dropped() -> None:
    raw = {"contextName": "u", "operator": "IN", "values": [], "caseInsensitive": None}
    assert normalize_constraint(raw) == {"contextName": "u", "operator": "IN", "values": []}


@pytest.mark.parametrize(
    "value", ["1.2.3", "0.0.0", "2.0.0-alpha.1", "1.0.0-rc.1+build.5", "10.20.30"]
)
def test_semver__valid__accepted(value: str) -> None:
    normalize_constraint({"contextName": "v", "operator": "SEMVER_EQ", "value": value})


@pytest.mark.parametrize("value", ["v2.0.0", "1.2", "01.2.3", "1.2.3-", "not a semver", ""])
def test_semver__invalid__refused(value: str) -> None:
    with pytest.raises(BadDataError):
        normalize_constraint({"contextName": "v", "operator": "SEMVER_GT", "value": value})


@pytest.mark.parametrize("value", ["12", "12.0", "-1", ".5", "1e3", " 7 "])
def test_number__valid__accepted(value: str) -> None:
    normalize_constraint({"contextName": "n", "operator": "NUM_LT", "value": value})


@pytest.mark.parametrize("value", ["twelve", "1_000", "nan", "inf", "1.2.3"])
def test_number__invalid__refused(value: str) -> None:
    with pytest.raises(BadDataError, match="number"):
        normalize_constraint({"contextName": "n", "operator": "NUM_LT", "value": value})


@pytest.mark.parametrize(
    "value", ["2022-01-29T13:00:00.000Z", "2022-01-22T13:00:00.000+02:00", "2022-01-22"]
)
def test_date__iso__accepted(value: str) -> None:
    normalize_constraint({"contextName": "t", "operator": "DATE_AFTER", "value": value})


def test_cidr__invalid_entries__kept_for_the_sdk_to_skip() -> None:
    raw = {"contextName": "remoteAddress", "operator": "IN_CIDR", "values": ["127.invalid"]}
    assert normalize_constraint(raw) == raw


@pytest.mark.parametrize(
    ("raw", "fragment"),
    [
        ({"contextName": "x", "operator": "NOT_A_VALID_OPERATOR"}, "NOT_A_VALID_OPERATOR"),
        ({"contextName": "x", "operator": "REGEX"}, "value"),
        ({"contextName": "x", "operator": "REGEX", "value": "(x"}, "regular expression"),
        ({"contextName": "x" * 256, "operator": "IN"}, "255"),
        ({"contextName": "x", "operator": "IN", "values": ["a", 1]}, "values"),
    ],
)
def test_normalize__invalid__error_names_problem_and_position(
    raw: dict[str, Any], fragment: str
) -> None:
    with pytest.raises(BadDataError) as raised:
        normalize_constraints([{"contextName": "ok", "operator": "IN"}, raw])
    assert "constraints[1]" in raised.value.message
    assert fragment in raised.value.message


def test_validate_constraint__valid__nothing_to_say() -> None:
    validate_constraint({"contextName": "age", "operator": "NUM_LT", "value": "3"})


@pytest.mark.parametrize(
    ("raw", "fragment"),
    [
        ({"contextName": "age", "operator": "NUM_LT", "value": "three"}, "valid number"),
        ({"contextName": "age", "operator": "LIKE"}, "LIKE"),
    ],
)
def test_validate_constraint__invalid__names_the_constraint_not_a_list_index(
    raw: dict[str, Any], fragment: str
) -> None:
    with pytest.raises(BadDataError) as refused:
        validate_constraint(raw)
    assert str(refused.value).startswith("constraint: ")
    assert fragment in str(refused.value)
