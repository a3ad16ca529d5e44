"""What the pages of users and of service accounts share: their path ids, the root roles one
may hold, and how a failed account form reads."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Path, Query
from sqlalchemy.orm import Session

from flagstaff.accounts.passwords import WeakPasswordError
from flagstaff.accounts.service import UserExistsError
from flagstaff.core.errors import FlagstaffError, NameExistsError
from flagstaff.roles.service import RoleService
from flagstaff.web.forms import OnField, form_errors
from flagstaff.web.views import AccountRow, matching, sorted_rows

AccountId = Annotated[int, Path(ge=1, le=2_147_483_647)]


@dataclass(frozen=True)
class TableQuery:
    """What an account table was asked for: a search, a column to sort by and a direction."""

    search: str
    sort: str
    direction: str


def table_query(
    q: Annotated[str, Query(max_length=200)] = "",
    sort: Annotated[str, Query(max_length=20)] = "created",
    dir: Annotated[str, Query(max_length=4)] = "desc",
) -> TableQuery:
    return TableQuery(q, sort, dir)


TableQueryDep = Annotated[TableQuery, Depends(table_query)]


def root_role_choices(db: Session) -> list[tuple[int, str, str]]:
    """The root roles as the role radio buttons show them: id, name, description."""
    return [(r.id, r.name, r.description or "") for r in RoleService(db).root_roles()]


def role_ref(raw: str) -> int | str:
    """A role as the form sent it: an id, or anything else for the wire model to refuse."""
    return int(raw) if raw.isdigit() else raw


def account_form_errors(problem: Exception, taken: OnField) -> dict[str, str]:
    """A failed account form: a taken name under ``taken``, password rules under the
    password, anything else as ``form_errors`` places it."""
    on_fields: dict[type[FlagstaffError], OnField] = {
        WeakPasswordError: OnField("password"),
        NameExistsError: taken,
        UserExistsError: taken,
    }
    return form_errors(problem, on_fields)


def table_values(rows: list[AccountRow], asked: TableQuery) -> dict[str, Any]:
    """What an account table template needs: the rows in the asked order that match the
    search, how many there are in all, and the order and search it shows."""
    ordered, sort, direction = sorted_rows(rows, asked.sort, asked.direction)
    return {
        "rows": matching(ordered, asked.search),
        "total": len(rows),
        "query": asked.search,
        "sort": sort,
        "direction": direction,
    }
