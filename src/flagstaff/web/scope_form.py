"""The "Limit this token" part of the new-token forms: what it offers (permissions by type, the
projects and environments there are) and the token a filled form asks for.

The rules stay the token service's: the wire model and ``checked_scope`` refuse what the API
refuses (unknown names are a 400 naming them), and creating the token refuses a permission its
creator does not hold (a 403)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar

from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from flagstaff.core.errors import BadDataError
from flagstaff.credentials.account_tokens.schemas import ScopesIn
from flagstaff.credentials.account_tokens.scopes import READ, checked_scope
from flagstaff.credentials.account_tokens.service import NewToken
from flagstaff.flags.environments.service import EnvironmentService
from flagstaff.flags.projects.service import ProjectService
from flagstaff.rbac.permissions import PERMISSIONS, PermissionType
from flagstaff.rbac.principal import Principal, TokenScope
from flagstaff.web.deps import WebUser
from flagstaff.web.forms import (
    TOKEN_FIELDS,
    FormError,
    FormState,
    form_lists,
    form_values,
    token_expiry,
    validated,
)

ACCESS_FIELD = "scope_access"
PERMISSIONS_FIELD = "scope_permission"
PROJECTS_FIELD = "scope_project"
ENVIRONMENTS_FIELD = "scope_environment"
SCOPE_LISTS = (PERMISSIONS_FIELD, PROJECTS_FIELD, ENVIRONMENTS_FIELD)

ANY, READ_ONLY, CHOSEN = "any", "read", "chosen"
ACCESS_CHOICES = (
    (ANY, "Everything its account may do"),
    (READ_ONLY, "Only read: every change is refused"),
    (CHOSEN, "Only the permissions ticked below"),
)
GROUP_LEGENDS = {
    PermissionType.ROOT: "Root permissions",
    PermissionType.PROJECT: "Project permissions",
    PermissionType.ENVIRONMENT: "Environment permissions",
}
# Every failed part of the scope is shown in one place, above its choices.
SCOPE_ERROR_FIELDS = {"permissions": "scope", "projects": "scope", "environments": "scope"}


@dataclass(frozen=True)
class PermissionGroup:
    legend: str
    choices: tuple[tuple[str, str], ...]  # (name, display name), by display name

    def ticked(self, form: FormState) -> int:
        """How many of its permissions the form holds ticked (its group starts open if any)."""
        return sum(1 for name, _ in self.choices if form.checked(PERMISSIONS_FIELD, name))


def _permission_groups() -> tuple[PermissionGroup, ...]:
    groups = []
    for kind, legend in GROUP_LEGENDS.items():
        choices = sorted(
            ((p.value, info.display_name) for p, info in PERMISSIONS.items() if info.type == kind),
            key=lambda choice: choice[1].lower(),
        )
        groups.append(PermissionGroup(legend, tuple(choices)))
    return tuple(groups)


PERMISSION_GROUPS = _permission_groups()


@dataclass(frozen=True)
class ScopeOptions:
    """What the section offers; ``manager``: the form is a manager's, who must tick permissions
    (the service refuses a manager's token without them)."""

    groups: tuple[PermissionGroup, ...]
    projects: tuple[tuple[str, str], ...]  # (id, name)
    environments: tuple[str, ...]
    manager: bool = False
    access_choices: ClassVar[tuple[tuple[str, str], ...]] = ACCESS_CHOICES

    @property
    def default_access(self) -> str:
        return CHOSEN if self.manager else ANY

    def opened(self, form: FormState) -> bool:
        """Whether the section starts open: it holds a choice or an error, or must be filled."""
        limited = form.value(ACCESS_FIELD, ANY) != ANY or any(form.lists.values())
        return self.manager or limited or "scope" in form.errors


def scope_options(db: Session, user: WebUser, *, manager: bool = False) -> ScopeOptions:
    projects = ProjectService(db).all(archived=False)
    if not user.is_admin:
        # A private project is no business of someone who holds no role in it.
        mine = _projects_of(user.principal)
        projects = [p for p in projects if p.mode != "private" or p.id in mine]
    return ScopeOptions(
        groups=PERMISSION_GROUPS,
        projects=tuple((p.id, p.name) for p in projects),
        environments=tuple(e.name for e in EnvironmentService(db).all()),
        manager=manager,
    )


def _projects_of(principal: Principal) -> set[str]:
    return {*principal.grants.projects, *principal.grants.environments}


def token_form_state(form: FormData, extra: tuple[str, ...] = ()) -> FormState:
    """What a new-token form sent: description, expiry and scope; ``extra`` names the other
    fields of the form it is part of."""
    values = form_values(form, (*TOKEN_FIELDS, ACCESS_FIELD, *extra))
    return FormState(values, lists=form_lists(form, SCOPE_LISTS))


def new_token_from(db: Session, state: FormState, now: datetime) -> NewToken:
    """The token a filled form asks for; a ``FormError`` for what the form or the scope's
    checks refuse."""
    expires_at = token_expiry(state.values, now)
    return NewToken(state.value("description"), expires_at, scope=requested_scope(db, state))


def requested_scope(db: Session, state: FormState) -> TokenScope | None:
    """The scope the section asks for; None when nothing in it was chosen."""
    access = state.value(ACCESS_FIELD, ANY) or ANY
    permissions = state.chosen(PERMISSIONS_FIELD)
    projects, environments = state.chosen(PROJECTS_FIELD), state.chosen(ENVIRONMENTS_FIELD)
    _check_access(access, permissions)
    if access == ANY and not projects and not environments:
        return None
    asked = {
        "permissions": READ if access == READ_ONLY else permissions or None,
        "projects": projects or None,
        "environments": environments or None,
    }
    body = validated(ScopesIn, asked, SCOPE_ERROR_FIELDS)
    try:
        return checked_scope(db, body.permissions, body.projects, body.environments)
    except BadDataError as problem:
        raise FormError({"scope": problem.message}) from None


def _check_access(access: str, permissions: list[str]) -> None:
    if access not in dict(ACCESS_CHOICES):
        raise FormError({"scope": "Choose what the token may do."})
    if access == CHOSEN and not permissions:
        raise FormError({"scope": "Tick at least one permission the token may use."})
    if access != CHOSEN and permissions:
        raise FormError(
            {
                "scope": "Ticked permissions limit the token only with “Only the permissions "
                "ticked below”: choose it, or clear the ticks."
            }
        )
