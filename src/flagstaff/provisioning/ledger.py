"""Which objects a provisioning file created, read from the event log.

Every apply that changes something records one ``provisioning-applied`` event naming the file
and the objects it created and deleted. Prune deletes only objects that an apply of the same
file created and that still exist: folding these events with the ordinary deletion events (by
anyone, through any route) gives that set without a table of its own. Should events ever be
purged, the objects they named simply stop being the file's, and prune leaves them alone.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from flagstaff.events.models import Event

LEDGER_EVENT = "provisioning-applied"
DELETIONS = ("service-account-deleted", "role-deleted", "project-deleted")
SECTIONS = ("serviceAccounts", "roles", "projects")


@dataclass
class Owned:
    service_accounts: set[int] = field(default_factory=set)
    roles: set[int] = field(default_factory=set)
    projects: set[str] = field(default_factory=set)


def owned(session: Session, file_name: str) -> Owned:
    """The objects applies of ``file_name`` created that nothing has deleted since."""
    result = Owned()
    events = session.execute(
        select(Event.type, Event.data, Event.pre_data, Event.project)
        .where(Event.type.in_((LEDGER_EVENT, *DELETIONS)))
        .order_by(Event.id)
    )
    for type_, data, pre_data, project in events:
        if type_ == LEDGER_EVENT:
            if isinstance(data, dict) and data.get("file") == file_name:
                _fold(result, data.get("created"), add=True)
                _fold(result, data.get("deleted"), add=False)
        elif type_ == "project-deleted":
            result.projects.discard(project)
        elif isinstance(pre_data, dict):
            found = pre_data.get("id")
            target = result.service_accounts if type_ == DELETIONS[0] else result.roles
            if isinstance(found, int):
                target.discard(found)
    return result


def _fold(result: Owned, section: Any, *, add: bool) -> None:
    if not isinstance(section, dict):
        return
    for key, target in (
        ("serviceAccounts", result.service_accounts),
        ("roles", result.roles),
        ("projects", result.projects),
    ):
        for item in section.get(key) or []:
            found = item.get("id") if isinstance(item, dict) else None
            if found is None:
                continue
            if add:
                target.add(found)
            else:
                target.discard(found)
