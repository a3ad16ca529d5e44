"""What every start does after migrating, under the same lock: keep the predefined roles in
step with the code, and create the first admin on an empty database."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from flagstaff.accounts.models import Account
from flagstaff.accounts.passwords import Passwords, check_strength, generate_password
from flagstaff.accounts.service import AccountService, NewUser
from flagstaff.config import ConfigError
from flagstaff.core.errors import BadDataError
from flagstaff.events.service import SYSTEM
from flagstaff.flags.seed import seed_flag_defaults
from flagstaff.rbac.models import Role, RolePermission
from flagstaff.rbac.predefined import ADMIN_ROLE_ID, PREDEFINED_ROLES

FIRST_ADMIN_USERNAME = "admin"


@dataclass(frozen=True)
class FirstAdmin:
    username: str
    generated_password: str | None


def sync_predefined_roles(session: Session) -> None:
    for definition in PREDEFINED_ROLES:
        role = session.get(Role, definition.id)
        if role is None:
            role = Role(id=definition.id, name=definition.name, type=definition.type)
            session.add(role)
        role.name, role.type, role.description = (
            definition.name,
            definition.type,
            definition.description,
        )
        wanted = set(definition.permission_rows())
        current = {(p.permission, p.environment) for p in role.permissions}
        if wanted != current:
            role.permissions = [
                RolePermission(permission=p, environment=e) for p, e in sorted(wanted)
            ]
    session.flush()
    # The flag built-ins (default project, environments, strategy definitions) are kept present
    # the same way, at every start and after tests truncate the tables.
    seed_flag_defaults(session)


def ensure_first_admin(
    session: Session, passwords: Passwords, admin_password: str | None
) -> FirstAdmin | None:
    """On a database with no human users, create ``admin``. There is no default password:
    it comes from the environment or is generated and shown once."""
    humans = session.execute(
        select(func.count()).select_from(Account).where(Account.is_service.is_(False))
    ).scalar_one()
    if humans:
        return None
    if admin_password:
        _ensure_strong(admin_password)
    generated = None if admin_password else generate_password()
    password = admin_password or generated
    AccountService(session, passwords).create_user(
        SYSTEM,
        None,
        NewUser(
            username=FIRST_ADMIN_USERNAME,
            email=None,
            name="Admin",
            password=password,
            root_role=ADMIN_ROLE_ID,
        ),
    )
    return FirstAdmin(FIRST_ADMIN_USERNAME, generated)


def _ensure_strong(admin_password: str) -> None:
    try:
        check_strength(admin_password)
    except BadDataError as error:
        rules = " ".join(detail["message"] for detail in error.details)
        raise ConfigError(f"FLAGSTAFF_ADMIN_PASSWORD is too weak. {rules}") from None
