"""What a plan is made of: one change per object, and the plan that holds them."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from flagstaff.provisioning.schemas import ProjectSpec, RoleSpec, ServiceAccountSpec
from flagstaff.rbac.models import RoleType


class Kind(StrEnum):
    ROLE = "role"
    PROJECT = "project"
    SERVICE_ACCOUNT = "serviceAccount"


class Action(StrEnum):
    CREATE = "create"
    UPDATE = "update"
    UNCHANGED = "unchanged"
    DELETE = "delete"


ROLE_TYPES = {"root": RoleType.ROOT_CUSTOM, "project": RoleType.CUSTOM}
FILE_ROLE_TYPES = {v: k for k, v in ROLE_TYPES.items()}
Spec = RoleSpec | ProjectSpec | ServiceAccountSpec


@dataclass
class Change:
    kind: Kind
    key: str
    action: Action
    line: int | None = None
    # field -> (before, after); before is None when creating, after is None when deleting.
    fields: dict[str, tuple[Any, Any]] = field(default_factory=dict)
    spec: Spec | None = None
    # The existing object: a role's or an account's id, a project's id.
    target: int | str | None = None
    # A service account's managers, resolved from the names in the file.
    manager_ids: list[int] | None = None

    @property
    def label(self) -> str:
        return f"{self.kind.value} {self.key}"


@dataclass
class Plan:
    file: str
    prune: bool
    changes: list[Change]
    dry_run: bool = False
    applied: bool = False

    @property
    def changed(self) -> bool:
        return any(c.action != Action.UNCHANGED for c in self.changes)

    def counts(self) -> dict[str, int]:
        return {a.value: sum(1 for c in self.changes if c.action == a) for a in Action}


def permission_text(row: tuple[str, str]) -> str:
    permission, environment = row
    return f"{permission}:{environment}" if environment else permission


def deletion(kind: Kind, key: str, target: int | str) -> Change:
    return Change(kind, key, Action.DELETE, None, target=target)
