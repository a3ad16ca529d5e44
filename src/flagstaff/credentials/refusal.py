"""A credential that exists but may not be used now, and why."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Refusal:
    """Cached like a principal, so a disabled, revoked or blocked token is refused from memory
    until the revision moves. ``message`` is the 401's message: it tells the holder of the secret
    what happened to it, nothing more."""

    message: str
    # What presenting the credential sets off, outside the request's transaction (a rotated-out
    # token presented after its grace window gets its family revoked). Takes the client's IP.
    on_presented: Callable[[str | None], None] | None = None
