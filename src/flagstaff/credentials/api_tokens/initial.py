"""API tokens given to ``flagstaff serve`` in the environment, as Unleash reads them:
``INIT_ADMIN_API_TOKENS``, ``INIT_CLIENT_API_TOKENS`` (or ``INIT_BACKEND_API_TOKENS``) and
``INIT_FRONTEND_API_TOKENS``, each a comma-separated list of full tokens. Each start creates the
ones that do not exist yet, so restarting with the same variables changes nothing."""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Mapping

from sqlalchemy import select
from sqlalchemy.orm import Session

from flagstaff.config import ConfigError, Settings
from flagstaff.core.errors import FlagstaffError
from flagstaff.core.keys import Keys
from flagstaff.credentials.api_tokens import format
from flagstaff.credentials.api_tokens.models import ApiToken
from flagstaff.credentials.api_tokens.service import DIGEST_PURPOSE, ApiTokenService, NewApiToken
from flagstaff.events.service import SYSTEM

log = logging.getLogger(__name__)

VARIABLES = (
    ("INIT_ADMIN_API_TOKENS", "admin"),
    ("INIT_BACKEND_API_TOKENS", "client"),
    ("INIT_CLIENT_API_TOKENS", "client"),
    ("INIT_FRONTEND_API_TOKENS", "frontend"),
)


def parse_initial_tokens(environ: Mapping[str, str]) -> list[tuple[str, NewApiToken]]:
    """``(secret, token)`` pairs; a malformed entry is a ``ConfigError`` naming the variable
    (never the token)."""
    wanted: list[tuple[str, NewApiToken]] = []
    for variable, token_type in VARIABLES:
        for index, secret in enumerate(_split(environ.get(variable, ""))):
            scope = format.scope_of(secret) if format.well_formed(secret) else None
            if scope is None or scope[0] == format.SEVERAL_PROJECTS:
                raise ConfigError(
                    f"{variable}: entry {index + 1} is not a token of the form "
                    "<project>:<environment>.<secret> (secret of at least 16 characters)"
                )
            project, environment = scope
            wanted.append(
                (
                    secret,
                    NewApiToken(
                        name=f"init-{token_type}",
                        type=token_type,
                        environment=environment,
                        projects=[project],
                    ),
                )
            )
    return wanted


def _split(value: str) -> list[str]:
    return [part.strip() for part in re.split(r",", value) if part.strip()]


def ensure_initial_api_tokens(
    session: Session, settings: Settings, environ: Mapping[str, str] | None = None
) -> int:
    """Create the tokens named in the environment that are missing; returns how many."""
    wanted = parse_initial_tokens(os.environ if environ is None else environ)
    if not wanted:
        return 0
    keys = Keys(settings.server_secret)
    service = ApiTokenService(session, keys)
    created = 0
    for secret, new in wanted:
        digest = keys.digest(DIGEST_PURPOSE, secret)
        if session.scalars(select(ApiToken.id).where(ApiToken.digest == digest)).first():
            continue
        try:
            service.create(SYSTEM, new, secret=secret)
        except FlagstaffError as error:
            raise ConfigError(f"initial {new.type} API token: {error.message}") from None
        created += 1
    if created:
        log.info("created %d initial API token(s)", created)
    return created
