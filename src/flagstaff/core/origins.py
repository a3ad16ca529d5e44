"""Which origins may call the Frontend API from a browser: ``*`` or an exact origin
(``scheme://host[:port]``, nothing after it), as Unleash's ``validateOrigin`` accepts."""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urlsplit

ANY_ORIGIN = "*"
MAX_ORIGIN_LENGTH = 2048
MAX_ORIGINS = 1000
SCHEMES = frozenset({"http", "https"})


def is_valid_origin(origin: str) -> bool:
    if origin == ANY_ORIGIN:
        return True
    if not origin or "*" in origin or len(origin) > MAX_ORIGIN_LENGTH:
        return False
    if origin != origin.strip() or any(c.isspace() or ord(c) < 0x20 for c in origin):
        return False
    try:
        parts = urlsplit(origin)
        port = parts.port  # raises for a port that is not a number in range
    except ValueError:
        return False
    if parts.scheme not in SCHEMES or not parts.hostname:
        return False
    if parts.username is not None or parts.password is not None:
        return False
    if parts.path or parts.query or parts.fragment or origin.endswith(("?", "#")):
        return False
    # What a browser sends in ``Origin``: lower-case scheme and host, no default port.
    if port == (80 if parts.scheme == "http" else 443):
        return False
    return f"{parts.scheme}://{parts.netloc.lower()}" == origin


def first_invalid(origins: Iterable[str]) -> str | None:
    for origin in origins:
        if not is_valid_origin(origin):
            return origin
    return None


def allows_any(origins: Iterable[str]) -> bool:
    """Unleash's rule: ``*`` anywhere in the list, or an empty list, lets every origin in."""
    listed = list(origins)
    return not listed or ANY_ORIGIN in listed
