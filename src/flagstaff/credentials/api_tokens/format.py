"""Unleash's API-token shapes: ``<project>:<environment>.<secret>``.

The project part is one project id, ``[]`` for several projects, or ``*``; the environment part
is the environment, or ``*`` for admin tokens. The random part is 56 hex characters (224 bits),
as Unleash's own tokens. Tokens given to ``flagstaff serve`` at start may carry any secret.
"""

from __future__ import annotations

import re
import secrets

from flagstaff.credentials.account_tokens.format import ACCOUNT_TOKEN_PREFIX

ALL = "*"
SEVERAL_PROJECTS = "[]"
RANDOM_BYTES = 28
HINT_LENGTH = 6
MAX_TOKEN_LENGTH = 512
# Scope prefix, then a secret of at least 16 characters without whitespace.
SHAPE = re.compile(r"^([^:\s]+):([^.\s]+)\.(\S{16,})$")


def prefix(projects: list[str], environment: str) -> str:
    if ALL in projects:
        project_part = ALL
    elif len(projects) == 1:
        project_part = projects[0]
    else:
        project_part = SEVERAL_PROJECTS
    return f"{project_part}:{environment}"


def generate(projects: list[str], environment: str) -> str:
    return f"{prefix(projects, environment)}.{secrets.token_hex(RANDOM_BYTES)}"


def new_selector() -> str:
    """The public handle of a token: random, unrelated to the secret."""
    return secrets.token_urlsafe(16)


def is_api_token(token: str) -> bool:
    return not token.startswith(ACCOUNT_TOKEN_PREFIX)


def well_formed(token: str) -> bool:
    return len(token) <= MAX_TOKEN_LENGTH and SHAPE.match(token) is not None


def scope_of(token: str) -> tuple[str, str] | None:
    """``(project part, environment part)`` of a well-formed token."""
    match = SHAPE.match(token)
    return (match.group(1), match.group(2)) if match else None


def hint(token: str) -> str:
    """What a list may show: the scope prefix and the first few random characters."""
    head, _, rest = token.partition(".")
    return f"{head}.{rest[:HINT_LENGTH]}…"
