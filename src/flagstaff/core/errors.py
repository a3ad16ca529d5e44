"""Domain errors. They carry no HTTP status: ``http_errors`` maps them at the edge."""

from __future__ import annotations

from collections.abc import Sequence


class FlagstaffError(Exception):
    """Base for every error a caller can cause and should be told about."""

    name = "FlagstaffError"

    def __init__(self, message: str, *, details: Sequence[dict[str, str]] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = list(details) if details else [{"message": message}]


class BadDataError(FlagstaffError):
    name = "BadDataError"


class NotFoundError(FlagstaffError):
    name = "NotFoundError"


class NameExistsError(FlagstaffError):
    name = "NameExistsError"


class ConflictError(FlagstaffError):
    """The request conflicts with the current state, such as deleting something in use."""

    name = "ConflictError"


class OperationDeniedError(FlagstaffError):
    name = "OperationDeniedError"


class RoleInUseError(FlagstaffError):
    name = "RoleInUseError"


class PasswordMismatchError(FlagstaffError):
    name = "PasswordMismatch"


class TooManyAttemptsError(FlagstaffError):
    """Refused for now: the caller may try again in ``retry_after`` seconds."""

    name = "TooManyRequestsError"

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class AuthenticationRequiredError(FlagstaffError):
    """No credential, or a session that is gone. Unleash's web UI reads ``login_path`` and
    ``login_type`` from the answer to show its login screen (``path`` and ``type``)."""

    name = "AuthenticationRequired"
    login_type = "password"

    def __init__(self, message: str, *, login_path: str = "/auth/simple/login") -> None:
        super().__init__(message)
        self.login_path = login_path


class UnauthorizedError(FlagstaffError):
    name = "UnauthorizedError"


class PermissionDeniedError(FlagstaffError):
    name = "PermissionError"

    def __init__(self, permissions: Sequence[str]) -> None:
        needed = " or ".join(f'"{p}"' for p in permissions)
        super().__init__(
            "You don't have the required permissions to perform this operation. "
            f"To perform this action, you need the {needed} permission."
        )
        self.permissions = list(permissions)


class WrongTokenTypeError(FlagstaffError):
    name = "InvalidTokenError"

    def __init__(self) -> None:
        super().__init__("invalid token: expected a different token type for this endpoint")


class ContentTypeError(FlagstaffError):
    name = "ContentTypeError"


class PayloadTooLargeError(FlagstaffError):
    name = "PayloadTooLargeError"


class MaintenanceModeError(FlagstaffError):
    """A write refused while an admin has put the instance in maintenance mode."""

    name = "MaintenanceModeError"
