"""What ``flagstaff apply`` runs as, and the run itself (the file is read by ``source``).

The command runs on a host that holds the database's credentials, so it acts with every
permission, as the first admin's creation does. Its changes are recorded under the name
``flagstaff apply`` (the system's audit id, as Unleash's system user), with the operating-system
user who ran it in the events' user agent, so the event log tells a file applied from a shell
from one applied over the API by a person or a pipeline.
"""

from __future__ import annotations

import getpass

from sqlalchemy.orm import Session

from flagstaff import __version__
from flagstaff.accounts.passwords import Passwords
from flagstaff.config import Settings
from flagstaff.core.keys import Keys
from flagstaff.credentials.account_tokens.service import AccountTokenService
from flagstaff.events.service import Actor
from flagstaff.provisioning.changes import Plan
from flagstaff.provisioning.service import Provisioner
from flagstaff.rbac.permissions import Permission
from flagstaff.rbac.principal import (
    SYSTEM_USER_ID,
    CredentialKind,
    Grants,
    Principal,
)
from flagstaff.service_accounts.service import ServiceAccountService

COMMAND_ACTOR = "flagstaff apply"


def command_actor() -> Actor:
    try:
        who = getpass.getuser()
    except (KeyError, OSError):  # no name for this uid (a bare container)
        who = "unknown"
    return Actor(COMMAND_ACTOR, SYSTEM_USER_ID, user_agent=f"flagstaff-cli/{__version__} ({who})")


def command_principal() -> Principal:
    return Principal(
        kind=CredentialKind.API_TOKEN,
        account_id=None,
        audit_name=COMMAND_ACTOR,
        audit_user_id=SYSTEM_USER_ID,
        is_service=False,
        root_role_id=None,
        grants=Grants(root=frozenset({Permission.ADMIN.value})),
    )


def apply_file(
    session: Session, settings: Settings, text: str, *, dry_run: bool, prune: bool
) -> Plan:
    tokens = AccountTokenService(session, Keys(settings.server_secret), settings)
    accounts = ServiceAccountService(session, Passwords(), tokens)
    return Provisioner(session, accounts, settings).apply(
        command_actor(), command_principal(), text, dry_run=dry_run, prune=prune
    )
