"""The managers of a service account as its edit page shows them to Admins: every person, with
those who manage it ticked."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from flagstaff.accounts.models import Account
from flagstaff.rbac.predefined import ADMIN_ROLE_ID

MANAGERS_FIELD = "manager"


@dataclass(frozen=True)
class ManagerChoice:
    id: int
    name: str
    login: str
    admin: bool  # an Admin looks after every service account anyway
    chosen: bool


def manager_choices(people: list[Account], chosen: Collection[int]) -> list[ManagerChoice]:
    """One choice per person, managers first, then by name."""
    choices = [
        ManagerChoice(
            id=person.id,
            name=person.name or person.username or person.email or f"User {person.id}",
            login=person.username or person.email or "",
            admin=person.root_role_id == ADMIN_ROLE_ID,
            chosen=person.id in chosen,
        )
        for person in people
    ]
    return sorted(choices, key=lambda c: (not c.chosen, c.name.lower(), c.id))


def chosen_ids(raw: list[str]) -> list[int | str]:
    """The ticked ids as the form sent them: numbers, and anything else as it came, for the wire
    model to refuse."""
    return [int(value) if value.isascii() and value.isdigit() else value for value in raw]
