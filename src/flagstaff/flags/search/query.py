"""What a flag search asks for, parsed from Unleash's query parameters.

Filters arrive as Unleash writes them, ``OPERATOR:value,value``: ``project=IS_ANY_OF:a,b``,
``tag=INCLUDE:simple:team``, ``state=IS:stale``, ``createdAt=IS_BEFORE:2024-01-31``. Anything
else is refused (400) rather than ignored.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from flagstaff.core.errors import BadDataError
from flagstaff.flags.projects.visibility import Visibility

DEFAULT_LIMIT, MAX_LIMIT = 50, 100  # as Unleash
MAX_ID = 2_147_483_647  # the largest id an integer column holds on both engines
IS_OPERATORS = ("IS", "IS_NOT", "IS_ANY_OF", "IS_NONE_OF")
TAG_OPERATORS = (
    "INCLUDE",
    "DO_NOT_INCLUDE",
    "INCLUDE_ALL_OF",
    "INCLUDE_ANY_OF",
    "EXCLUDE_IF_ANY_OF",
    "EXCLUDE_ALL",
)
DATE_OPERATORS = ("IS_BEFORE", "IS_ON_OR_AFTER")
STATES = {"stale": True, "active": False}
POTENTIALLY_STALE = "potentially-stale"


@dataclass(frozen=True)
class Condition:
    operator: str
    values: tuple[str, ...]


@dataclass(frozen=True)
class SearchQuery:
    terms: tuple[str, ...] = ()
    project: Condition | None = None
    type: Condition | None = None
    tag: Condition | None = None
    state: Condition | None = None
    lifecycle: Condition | None = None  # by each flag's furthest stage
    created_at: Condition | None = None
    last_seen_at: Condition | None = None
    created_by: Condition | None = None
    segment: Condition | None = None
    # (environment, enabled) pairs; a flag matches any of them.
    status: tuple[tuple[str, bool], ...] = ()
    favorite: Condition | None = None
    # Whose favorites ``favorite`` and ``favorites_first`` mean; an API token (None) has none.
    account_id: int | None = None
    favorites_first: bool = False
    archived: bool = False
    sort_by: str = "createdAt"
    descending: bool = False
    offset: int = 0
    limit: int = DEFAULT_LIMIT
    visibility: Visibility = field(default_factory=lambda: Visibility(every_project=True))


def parse_condition(name: str, text: str | None, operators: Sequence[str]) -> Condition | None:
    """``OPERATOR:a,b`` into a condition; None when the parameter is absent or blank."""
    if text is None or not text.strip():
        return None
    operator, sep, rest = text.partition(":")
    values = tuple(v.strip() for v in rest.split(",") if v.strip())
    if not sep or operator not in operators or not values:
        raise BadDataError(
            f"`{name}` must look like OPERATOR:value[,value...] with OPERATOR one of "
            f"{', '.join(operators)}; you gave {text!r}"
        )
    return Condition(operator, values)


def parse_terms(query: str | None) -> tuple[str, ...]:
    return tuple(t.strip() for t in (query or "").split(",") if t.strip())


def parse_state(text: str | None) -> Condition | None:
    condition = parse_condition("state", text, IS_OPERATORS)
    if condition is not None:
        unknown = [v for v in condition.values if v not in STATES and v != POTENTIALLY_STALE]
        if unknown:
            raise BadDataError(
                f"`state` values are stale, active and {POTENTIALLY_STALE}; not {unknown[0]!r}"
            )
    return condition


def parse_lifecycle(text: str | None, stages: Sequence[str]) -> Condition | None:
    condition = parse_condition("lifecycle", text, IS_OPERATORS)
    if condition is not None:
        unknown = [v for v in condition.values if v not in stages]
        if unknown:
            raise BadDataError(f"`lifecycle` values are {', '.join(stages)}; not {unknown[0]!r}")
    return condition


def parse_tag(text: str | None) -> Condition | None:
    condition = parse_condition("tag", text, TAG_OPERATORS)
    if condition is not None:
        for value in condition.values:
            tag_type, _, tag_value = value.partition(":")
            if not tag_type.strip() or not tag_value.strip():
                raise BadDataError(f"A `tag` value is type:value; you gave {value!r}")
    return condition


def parse_date(name: str, text: str | None) -> Condition | None:
    """``IS_BEFORE:2024-01-31`` or ``IS_ON_OR_AFTER:2024-01-31`` (UTC days)."""
    condition = parse_condition(name, text, DATE_OPERATORS)
    if condition is not None:
        if len(condition.values) != 1 or not re.fullmatch(
            r"\d{4}-\d{2}-\d{2}", condition.values[0]
        ):
            raise BadDataError(f"`{name}` takes one date, YYYY-MM-DD")
        try:
            date.fromisoformat(condition.values[0])
        except ValueError:
            raise BadDataError(f"{condition.values[0]} is not a date") from None
    return condition


def parse_created_by(text: str | None) -> Condition | None:
    condition = parse_condition("createdBy", text, IS_OPERATORS)
    if condition is not None and not all(
        re.fullmatch(r"-?\d{1,10}", v) and abs(int(v)) <= MAX_ID for v in condition.values
    ):
        raise BadDataError("`createdBy` takes user ids")
    return condition


def parse_favorite(text: str | None) -> Condition | None:
    condition = parse_condition("favorite", text, ("IS", "IS_ANY_OF"))
    if condition is not None and not set(condition.values) <= {"true", "false"}:
        raise BadDataError("`favorite` takes true or false")
    return condition


def parse_status(items: Sequence[str]) -> tuple[tuple[str, bool], ...]:
    pairs = []
    for item in items:
        environment, _, state = item.rpartition(":")
        if not environment or state not in ("enabled", "disabled"):
            raise BadDataError(f"A `status` is environment:enabled or :disabled; not {item!r}")
        pairs.append((environment, state == "enabled"))
    return tuple(pairs)


def parse_archived(text: str | None) -> bool:
    if text is None or text == "IS:false":
        return False
    if text == "IS:true":
        return True
    raise BadDataError("`archived` is IS:true or IS:false")
