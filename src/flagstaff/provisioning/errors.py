"""What is wrong with a provisioning file, each problem with the line it is on."""

from __future__ import annotations

from dataclasses import dataclass

from flagstaff.core.errors import BadDataError, ConflictError, PayloadTooLargeError

# Files are reviewed by people; a quarter of a megabyte holds thousands of accounts.
MAX_FILE_BYTES = 256 * 1024


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the file: ``where`` is the dotted path (``serviceAccounts[0].name``)."""

    line: int | None
    where: str
    message: str

    def __str__(self) -> str:
        place = f"line {self.line}" if self.line is not None else "the file"
        where = f"{self.where}: " if self.where else ""
        return f"{place}: {where}{self.message}"

    def detail(self) -> dict[str, str]:
        detail = {"message": str(self), "path": self.where}
        if self.line is not None:
            detail["line"] = str(self.line)
        return detail


def ordered(problems: list[Problem]) -> list[Problem]:
    """Problems in the order of the file (problems without a line first), each once."""
    unique = dict.fromkeys(problems)
    return sorted(unique, key=lambda p: (p.line or 0, p.where))


class InvalidFileError(BadDataError):
    """The file is not a valid provisioning file: every problem found, nothing applied."""

    name = "BadDataError"

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = ordered(problems)
        count = len(self.problems)
        noun = "problem" if count == 1 else "problems"
        super().__init__(
            f"The provisioning file has {count} {noun}; nothing was applied.",
            details=[p.detail() for p in self.problems],
        )


class ApplyFailedError(ConflictError):
    """A change the file is valid for, refused by the database as it is now (a role still held
    by a person, a project with flags): the whole apply was rolled back."""

    def __init__(self, problem: Problem) -> None:
        self.problems = [problem]
        super().__init__(
            f"Applying stopped, and nothing was applied: {problem}", details=[problem.detail()]
        )


class FileTooLargeError(PayloadTooLargeError):
    def __init__(self, size: int) -> None:
        super().__init__(
            f"The provisioning file is {size} bytes; the limit is {MAX_FILE_BYTES} bytes."
        )
