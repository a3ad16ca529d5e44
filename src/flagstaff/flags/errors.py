"""Errors particular to flags; each inherits its HTTP status from a foundation error."""

from __future__ import annotations

from flagstaff.core.errors import OperationDeniedError


class InvalidOperationError(OperationDeniedError):
    """Allowed in principle, refused in this state (Unleash answers 403 for these)."""

    name = "InvalidOperationError"
