"""What a page handler raises when it cannot show the page; ``routing.WebRoute`` renders it."""

from __future__ import annotations


class LoginRequiredError(Exception):
    """No login session (or only a token): the browser goes to the login page."""


class ForbiddenError(Exception):
    def __init__(self, message: str = "You don't have access to this page.") -> None:
        super().__init__(message)
        self.message = message


class CsrfRejectedError(ForbiddenError):
    def __init__(self) -> None:
        super().__init__(
            "The form was missing its security token or it did not match your session. "
            "Reload the page and try again."
        )


class PageNotFoundError(Exception):
    def __init__(self, message: str = "There is nothing at this address.") -> None:
        super().__init__(message)
        self.message = message
