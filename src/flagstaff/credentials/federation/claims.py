"""How a trust policy's conditions match an ID token's claims, and which issuers may be trusted.

A condition is a claim name and a pattern: the exact value, or a glob where ``*`` stands for any
run of characters (``/`` and ``:`` included) and ``?`` for one. Nothing else is special, so a
value with brackets or dots means itself. Every condition of a policy must match.
"""

from __future__ import annotations

import ipaddress
import json
import re
from collections.abc import Mapping
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

WILDCARDS = frozenset("*?")
# Checked by the exchange itself, never by a condition.
REGISTERED_CLAIMS = frozenset({"iss", "aud", "exp", "nbf", "iat", "jti"})


def is_glob(pattern: str) -> bool:
    return any(c in WILDCARDS for c in pattern)


def matches_anything(pattern: str) -> bool:
    return set(pattern) <= {"*"}


@lru_cache(maxsize=1024)
def _compiled(pattern: str) -> re.Pattern[str]:
    parts = (".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.compile("".join(parts), re.DOTALL)


def value_matches(pattern: str, value: Any) -> bool:
    """A claim's value against one pattern: strings as they are, numbers and booleans by their
    JSON text (``true``, ``42``), a list when any of its items matches; objects never."""
    if isinstance(value, list):
        return any(value_matches(pattern, item) for item in value)
    if isinstance(value, bool | int | float):
        text = json.dumps(value)
    elif isinstance(value, str):
        text = value
    else:
        return False
    if not is_glob(pattern):
        return text == pattern
    return _compiled(pattern).fullmatch(text) is not None


def matched_claims(conditions: Mapping[str, str], claims: Mapping[str, Any]) -> dict[str, Any]:
    """The claims that satisfied every condition, or an empty dict when one did not."""
    matched: dict[str, Any] = {}
    for name, pattern in conditions.items():
        if name not in claims or not value_matches(pattern, claims[name]):
            return {}
        matched[name] = claims[name]
    return matched


LOOPBACK_NAMES = frozenset({"localhost"})


def is_loopback(host: str) -> bool:
    if host.lower() in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def issuer_problem(issuer: str, *, allow_loopback_http: bool) -> str | None:
    """Why ``issuer`` cannot be trusted, or None: an https URL with a host and no query,
    fragment or credentials; plain http only for a loopback host, when the setting allows."""
    try:
        parts = urlsplit(issuer)
        parts.port  # noqa: B018 - raises for a port that is not a number in range
    except ValueError:
        return "The issuer must be a URL such as https://token.actions.githubusercontent.com."
    if not parts.hostname or parts.username is not None or parts.password is not None:
        return "The issuer must be a URL with a host and no credentials."
    if parts.query or parts.fragment or issuer.endswith(("?", "#")):
        return "The issuer URL must have no query and no fragment."
    if any(c.isspace() or ord(c) < 0x20 for c in issuer):
        return "The issuer URL must not contain spaces or control characters."
    if parts.scheme == "https":
        return None
    if parts.scheme == "http" and is_loopback(parts.hostname):
        if allow_loopback_http:
            return None
        return (
            "Plain http issuers are allowed only on loopback, when "
            "FLAGSTAFF_OIDC_ALLOW_LOOPBACK_HTTP is set."
        )
    return "The issuer must be an https URL."
