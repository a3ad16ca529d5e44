"""Reading forms: token expiry choices, wire-model validation turned into per-field messages,
and what a failed form shows again."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from starlette.datastructures import FormData

from flagstaff.core.errors import FlagstaffError, NameExistsError
from flagstaff.core.http_errors import status_for
from flagstaff.credentials.account_tokens.lifetimes import TokenPolicy
from flagstaff.web.deps import text

M = TypeVar("M", bound=BaseModel)

# Unleash offers 7, 30 (the default), 60 days, never and a custom date; the brief adds 90 days.
EXPIRY_DAYS = {"7d": 7, "30d": 30, "60d": 60, "90d": 90}
EXPIRY_LABELS = (
    ("7d", "7 days"),
    ("30d", "30 days"),
    ("60d", "60 days"),
    ("90d", "90 days"),
    ("never", "Never"),
    ("custom", "Custom date"),
)
DEFAULT_EXPIRY = "30d"
# "Never" is a date far ahead, as Unleash's UI sends it.
NEVER = timedelta(days=365 * 1000)


ExpiryChoices = tuple[tuple[str, str], ...]


def expiry_choices(policy: TokenPolicy) -> ExpiryChoices:
    """The expiry choices the lifetime policy allows: no preset past its limit, and "never"
    only while tokens may live forever (a custom date is checked by the service)."""
    limit = policy.max_lifetime_days
    never_allowed = policy.allow_never_expires and limit is None
    return tuple(
        (value, label)
        for value, label in EXPIRY_LABELS
        if (value != "never" or never_allowed)
        and (value not in EXPIRY_DAYS or limit is None or EXPIRY_DAYS[value] <= limit)
    )


def default_expiry(choices: ExpiryChoices) -> str:
    """The usual default when the policy allows it, else the longest preset left."""
    values = [value for value, _ in choices]
    if DEFAULT_EXPIRY in values:
        return DEFAULT_EXPIRY
    presets = [value for value in values if value in EXPIRY_DAYS]
    return presets[-1] if presets else "custom"


def lifetime_hint(policy: TokenPolicy) -> str | None:
    """What the new-token forms say about the policy, if it limits anything."""
    if policy.max_lifetime_days is not None:
        return f"The token lifetime policy allows at most {policy.max_lifetime_days} days."
    if not policy.allow_never_expires:
        return "The token lifetime policy asks every token to have an expiry date."
    return None


@dataclass(frozen=True)
class ExpiryOptions:
    """What a new-token form offers under the current lifetime policy."""

    choices: ExpiryChoices
    default: str
    hint: str | None


def expiry_options(policy: TokenPolicy) -> ExpiryOptions:
    choices = expiry_choices(policy)
    return ExpiryOptions(choices, default_expiry(choices), lifetime_hint(policy))


class FormError(Exception):
    """One or more fields are wrong; ``errors`` maps field names ("" for the form) to messages."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(errors.values()))
        self.errors = errors


@dataclass
class FormState:
    """What a form shows again after an error: the values given, the fields given more than
    once (checkboxes) and what was wrong."""

    values: dict[str, str] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    lists: dict[str, list[str]] = field(default_factory=dict)

    def value(self, name: str, default: str = "") -> str:
        return self.values.get(name, default)

    def chosen(self, name: str) -> list[str]:
        return self.lists.get(name, [])

    def checked(self, name: str, value: str) -> bool:
        return value in self.lists.get(name, ())


@dataclass(frozen=True)
class OnField:
    """Where a form shows a domain error: under ``field``, in ``message`` (by default the
    error's own details)."""

    field: str
    message: str | None = None


def form_errors(
    problem: Exception, on_fields: Mapping[type[FlagstaffError], OnField] | None = None
) -> dict[str, str]:
    """The messages of a failed form: a ``FormError``'s own; a domain error under the field
    ``on_fields`` names for its type (the first that matches); any other above the form."""
    if isinstance(problem, FormError):
        return problem.errors
    assert isinstance(problem, FlagstaffError)
    for kind, place in (on_fields or {}).items():
        if isinstance(problem, kind):
            own = " ".join(detail["message"] for detail in problem.details)
            return {place.field: place.message or own}
    return {"": problem.message}


def form_status(problem: Exception) -> int:
    """The status a failed form answers with: 403 for what the API refuses as beyond your
    permissions, else 400 (the form is shown again either way)."""
    if isinstance(problem, FlagstaffError) and status_for(problem) == 403:
        return 403
    return 400


def expiry_from(choice: str, custom: str, now: datetime) -> datetime:
    if choice in EXPIRY_DAYS:
        return now + timedelta(days=EXPIRY_DAYS[choice])
    if choice == "never":
        return now + NEVER
    if choice == "custom":
        try:
            chosen = datetime.fromisoformat(custom.strip())
        except ValueError:
            raise FormError(
                {"expires_at": "Pick a date and time for the token to expire."}
            ) from None
        chosen = chosen if chosen.tzinfo else chosen.replace(tzinfo=UTC)
        if chosen <= now:
            raise FormError({"expires_at": "Invalid date, must be in the future."})
        return chosen
    raise FormError({"expiry": "Choose when the token expires."})


TOKEN_FIELDS = ("description", "expiry", "expires_at")
TOKEN_DESCRIPTION_TAKEN: Mapping[type[FlagstaffError], OnField] = {
    NameExistsError: OnField("description", "A token with that description already exists.")
}


def token_expiry(values: Mapping[str, str], now: datetime) -> datetime:
    """When the token a form asks for expires; a ``FormError`` if it has no description or
    no usable expiry."""
    if not values["description"]:
        raise FormError({"description": "Describe what this token will be used for."})
    return expiry_from(values["expiry"], values["expires_at"], now)


def form_values(form: FormData, names: tuple[str, ...]) -> dict[str, str]:
    return {name: text(form, name) for name in names}


def form_lists(form: FormData, names: tuple[str, ...]) -> dict[str, list[str]]:
    """The fields a form may send more than once (checkboxes), each value stripped, blanks and
    repeats left out."""
    return {name: _texts(form, name) for name in names}


def _texts(form: FormData, name: str) -> list[str]:
    given = (value.strip() for value in form.getlist(name) if isinstance(value, str))
    return list(dict.fromkeys(value for value in given if value))


def validated(model: type[M], data: dict[str, Any], fields: dict[str, str]) -> M:
    """``model`` (a wire model of the API) checks the form, so both refuse the same input.
    ``fields`` maps the model's field names to the form's."""
    try:
        return model.model_validate(data)
    except ValidationError as error:
        errors: dict[str, str] = {}
        for problem in error.errors(include_input=False):
            location = [str(part) for part in problem.get("loc", ())]
            name = fields.get(location[0], "") if location else ""
            errors.setdefault(name, _message(problem.get("type", ""), problem.get("msg", "")))
        raise FormError(errors) from None


def _message(kind: str, text: str) -> str:
    if kind in ("missing", "string_too_short"):
        return "This field is required."
    if kind == "string_too_long":
        return "This is too long."
    if kind == "string_pattern_mismatch":
        return "Use letters, digits, '.', '_', '@' and '-' only, starting with a letter or digit."
    return text.removeprefix("Value error, ").rstrip(".") + "."


_NOT_WORDISH = re.compile(r"[^\w-]", re.ASCII)


def suggested_username(name: str) -> str:
    """Unleash's suggestion: ``service-`` + the name lower-cased, spaces to ``-``, other
    characters that are not word characters, ``-`` or ``_`` removed."""
    slug = _NOT_WORDISH.sub("", re.sub(r"\s+", "-", name.strip().lower()))
    return f"service-{slug}" if slug else ""
