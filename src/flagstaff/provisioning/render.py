"""A plan as the API answers it, and as the command prints it."""

from __future__ import annotations

from typing import Any

from flagstaff.provisioning.changes import Action, Change, Plan

KIND_WORDS = {"role": "role", "project": "project", "serviceAccount": "service account"}


def plan_out(plan: Plan) -> dict[str, Any]:
    return {
        "file": plan.file,
        "dryRun": plan.dry_run,
        "prune": plan.prune,
        "applied": plan.applied,
        "summary": plan.counts(),
        "changes": [_change_out(c) for c in plan.changes],
    }


def _change_out(change: Change) -> dict[str, Any]:
    body: dict[str, Any] = {
        "kind": change.kind.value,
        "name": change.key,
        "action": change.action.value,
        "line": change.line,
    }
    if change.action in (Action.CREATE, Action.UPDATE):
        creating = change.action == Action.CREATE
        body["fields"] = {
            name: {"to": after} if creating else {"from": before, "to": after}
            for name, (before, after) in change.fields.items()
        }
    return body


def plan_text(plan: Plan) -> str:
    """A table, one object a row, then a line that says what was (or would be) done."""
    header = ("ACTION", "KIND", "NAME", "LINE", "CHANGES")
    rows = [
        (
            c.action.value,
            KIND_WORDS[c.kind.value],
            c.key,
            str(c.line) if c.line is not None else "-",
            _changes_text(c),
        )
        for c in plan.changes
    ]
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(4)]
    lines = [
        "  ".join(cell.ljust(width) for cell, width in zip(row[:4], widths, strict=True))
        + "  "
        + row[4]
        for row in [header, *rows]
    ]
    counts = plan.counts()
    summary = (
        f"{counts['create']} to create, {counts['update']} to update, "
        f"{counts['unchanged']} unchanged, {counts['delete']} to delete"
    )
    if plan.applied:
        outcome = "Applied."
    elif plan.dry_run and plan.changed:
        outcome = "Dry run: nothing was changed."
    else:
        outcome = "Nothing to change."
    return "\n".join([*(line.rstrip() for line in lines), "", f"{summary}. {outcome}"])


def _changes_text(change: Change) -> str:
    if change.action == Action.DELETE:
        return "created by this file, no longer declared"
    parts = []
    for name, (before, after) in change.fields.items():
        if name == "trustPolicies":
            parts.append(f"{name}: {_policies_text(before or [], after)}")
        elif change.action == Action.CREATE:
            parts.append(f"{name}: {_value(after)}")
        else:
            parts.append(f"{name}: {_value(before)} -> {_value(after)}")
    return "; ".join(parts)


def _policies_text(before: list[dict[str, Any]], after: list[dict[str, Any]]) -> str:
    """Trust policies by name: ``+`` added, ``~`` changed, ``-`` removed (the API's answer
    has every field)."""
    old = {p["name"]: p for p in before}
    new = {p["name"]: p for p in after}
    marks = [f"+{n}" for n in new if n not in old]
    marks += [f"~{n}" for n in new if n in old and old[n] != new[n]]
    marks += [f"-{n}" for n in old if n not in new]
    return "[" + ", ".join(marks) + "]"


def _value(value: Any) -> str:
    if value is None:
        return "none"
    if isinstance(value, list):
        return "[" + ", ".join(_item(v) for v in value) + "]"
    if isinstance(value, str):
        return repr(value) if not value or " " in value else value
    return str(value)


def _item(value: Any) -> str:
    if isinstance(value, dict) and set(value) == {"project", "role"}:
        return f"{value['role']} in {value['project']}"
    return _value(value)
