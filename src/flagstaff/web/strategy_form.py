"""Reading a strategy form: its type, parameters and constraints, into the service's input."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from flagstaff.flags.constraints.validation import MULTI_VALUE_OPERATORS, OPERATORS
from flagstaff.flags.strategies.definitions import DefinitionService
from flagstaff.flags.strategies.models import StrategyDefinition
from flagstaff.flags.strategies.service import StrategyInput
from flagstaff.web.forms import FormError

OPERATOR_CHOICES = sorted(OPERATORS)
_SPLIT = re.compile(r"[,\n]")


@dataclass(frozen=True)
class ConstraintRow:
    context_name: str
    operator: str
    values: str
    inverted: bool
    case_insensitive: bool


def strategy_titles(db: Session) -> dict[str, str]:
    """What the pages call each strategy type: its display name, or else its name."""
    return {d.name: d.display_name or d.name for d in DefinitionService(db).all()}


def submitted_values(form: FormData) -> dict[str, Any]:
    """A strategy form as it was sent, to show it again with its errors."""
    chosen = form.get("strategy")
    chosen = chosen.strip() if isinstance(chosen, str) else ""
    title = form.get("title")
    return {
        "strategy": chosen,
        "title": title.strip() if isinstance(title, str) else "",
        "disabled": form.get("disabled") == "yes",
        "parameters": {
            key.split(".", 2)[2]: value
            for key, value in form.items()
            if key.startswith(f"p.{chosen}.") and isinstance(value, str)
        },
    }


def constraint_rows(constraints: list[dict[str, Any]]) -> list[ConstraintRow]:
    """Stored constraints as the form shows them: several values one per line."""
    return [
        ConstraintRow(
            context_name=c.get("contextName", ""),
            operator=c.get("operator", "IN"),
            values="\n".join(c.get("values") or []) if "values" in c else c.get("value", ""),
            inverted=bool(c.get("inverted")),
            case_insensitive=bool(c.get("caseInsensitive")),
        )
        for c in constraints
    ]


def _strings(form: FormData, name: str) -> list[str]:
    return [v if isinstance(v, str) else "" for v in form.getlist(name)]


def read_constraints(form: FormData) -> list[dict[str, Any]]:
    names = _strings(form, "c_context")
    operators = _strings(form, "c_operator")
    values = _strings(form, "c_values")
    inverted = _strings(form, "c_inverted")
    cases = _strings(form, "c_case")
    constraints = []
    for index, context_name in enumerate(names):
        if not context_name.strip():
            continue  # an empty row: nothing was entered there
        operator = operators[index] if index < len(operators) else ""
        raw = values[index] if index < len(values) else ""
        constraint: dict[str, Any] = {"contextName": context_name.strip(), "operator": operator}
        if operator in MULTI_VALUE_OPERATORS:
            constraint["values"] = [v.strip() for v in _SPLIT.split(raw) if v.strip()]
        else:
            constraint["value"] = raw.strip()
        if index < len(inverted) and inverted[index] == "yes":
            constraint["inverted"] = True
        if index < len(cases) and cases[index] == "yes":
            constraint["caseInsensitive"] = True
        constraints.append(constraint)
    return constraints


def _bad_percentage(parameter: dict[str, Any], value: str) -> bool:
    is_percentage = parameter.get("type") == "percentage"
    return is_percentage and bool(value) and (not value.isdigit() or int(value) > 100)


def read_strategy(
    form: FormData, definitions: dict[str, StrategyDefinition], keep: StrategyInput | None
) -> StrategyInput:
    name = form.get("strategy")
    if not isinstance(name, str) or name not in definitions:
        raise FormError({"strategy": "Choose a strategy."})
    parameters: dict[str, str] = {}
    for parameter in definitions[name].parameters:
        key = parameter["name"]
        value = form.get(f"p.{name}.{key}")
        value = value.strip() if isinstance(value, str) else ""
        if parameter.get("type") == "list":
            value = ",".join(v.strip() for v in _SPLIT.split(value) if v.strip())
        if _bad_percentage(parameter, value):
            raise FormError({f"p.{name}.{key}": "A percentage from 0 to 100."})
        if not value and parameter.get("required"):
            raise FormError({f"p.{name}.{key}": "This field is required."})
        if value:
            parameters[key] = value
    title = form.get("title")
    return StrategyInput(
        name=name,
        title=title.strip() or None if isinstance(title, str) else None,
        disabled=form.get("disabled") == "yes",
        sort_order=keep.sort_order if keep else None,
        parameters=parameters,
        constraints=read_constraints(form),
        variants=list(keep.variants) if keep else [],
        segments=list(keep.segments) if keep else [],
    )
