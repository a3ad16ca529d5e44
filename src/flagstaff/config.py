"""Settings, read from the environment (``FLAGSTAFF_*`` and ``DATABASE_URL``), and the rules a
setting's value must follow."""

from __future__ import annotations

import logging
import os
import secrets
import stat
from collections.abc import Iterable
from functools import cached_property
from pathlib import Path
from typing import Annotated, Literal
from urllib.parse import urlsplit

from pydantic import AliasChoices, Field, SecretStr, ValidationError, field_validator
from pydantic_core import ErrorDetails
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

log = logging.getLogger(__name__)

SECRET_KEY_FILE = "secret_key"  # noqa: S105 - a file name
MIN_SECRET_KEY_LENGTH = 32
LOG_LEVELS = ("critical", "error", "warning", "info", "debug")


class ConfigError(Exception):
    """The configuration cannot be used; the message says how to fix it."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="FLAGSTAFF_", extra="ignore")

    data_dir: Path = Path("flagstaff-data")
    database_url: str | None = Field(
        default=None, validation_alias=AliasChoices("DATABASE_URL", "FLAGSTAFF_DATABASE_URL")
    )
    secret_key: SecretStr | None = None
    admin_password: SecretStr | None = None

    session_ttl_hours: int = 48
    # Login throttling per login name and client address (accounts/throttle.py,
    # docs/login-throttling.md): failures allowed before each further one makes the address wait
    # (the first delay, doubling up to the longest), the failures of a name from every address
    # after which every address that failed for it waits too, and how long failures count.
    login_free_attempts: Annotated[int, Field(ge=0, le=1000)] = 5
    login_ceiling: Annotated[int, Field(ge=1, le=1_000_000)] = 100
    login_first_delay_seconds: Annotated[int, Field(ge=1, le=86_400)] = 1
    login_max_delay_seconds: Annotated[int, Field(ge=1, le=86_400)] = 900
    login_window_minutes: Annotated[int, Field(ge=1, le=10_080)] = 60
    max_tokens_per_account: int = 10
    max_body_bytes: int = 1_048_576
    revision_poll_seconds: float = 0.25
    # Server-sent event streams to SDKs (GET /api/client/streaming): at most this many per
    # process (beyond, 429: the SDKs poll instead), and a comment line on an idle stream this
    # often so that proxies and the SDK's read timeout (60 s) keep it open.
    streaming_max_connections: Annotated[int, Field(ge=0, le=100_000)] = 2000
    streaming_heartbeat_seconds: Annotated[float, Field(gt=0, le=300)] = 15.0
    seen_flush_seconds: float = 60.0
    # Only honour X-Forwarded-Proto when a proxy we trust sets it.
    trust_proxy_headers: bool = False
    log_level: str = "info"
    log_format: Literal["json", "logfmt"] = "json"
    # Origins browsers may call the Frontend API from, comma-separated (Unleash's
    # UNLEASH_FRONTEND_API_ORIGINS); what an admin sets through /api/admin/ui-config/cors wins.
    frontend_api_origins: Annotated[list[str], NoDecode] = ["*"]
    # The token lifetime policy until an admin sets one (PUT /api/admin/tokens/policy): the
    # longest lifetime of a new personal or service-account token (0: no limit), whether "never
    # expires" is allowed, and after how many days unused a token is revoked (0: never).
    token_max_lifetime_days: Annotated[int, Field(ge=0, le=36_500)] = 0
    token_allow_never_expires: bool = True
    token_revoke_unused_days: Annotated[int, Field(ge=0, le=36_500)] = 0
    # How long revoked, rotated-out and expired tokens stay listed before they are purged.
    token_retention_days: Annotated[int, Field(ge=1, le=36_500)] = 90
    # How often the cluster-wide token job runs (expiry notices, unused tokens, purging).
    token_job_seconds: Annotated[float, Field(gt=0)] = 60.0
    # The OIDC token exchange (credentials/federation, docs/service-accounts.md): the longest
    # lifetime of a federated token, whatever a trust policy says; whether issuers may be
    # plain-http loopback addresses (tests and development only); the clock skew allowed on an
    # ID token's times; how long fetching an issuer's discovery document or keys may take; and
    # how many exchanges one client address may attempt per minute.
    oidc_max_token_lifetime_seconds: Annotated[int, Field(ge=60, le=86_400)] = 3600
    oidc_allow_loopback_http: bool = False
    oidc_clock_skew_seconds: Annotated[int, Field(ge=0, le=300)] = 60
    oidc_fetch_timeout_seconds: Annotated[float, Field(gt=0, le=60)] = 5.0
    oidc_exchanges_per_minute: Annotated[int, Field(ge=1, le=1_000_000)] = 60
    # Webhooks (addons, docs/webhooks.md): whether targets may be private, loopback or
    # link-local addresses (refused by default, at save time for literal addresses and at
    # delivery after DNS); how long one delivery may take; the first wait before a retry
    # (doubling each time, at most the longest wait) and for how long an event is retried
    # before it is given up; how often each process looks for due deliveries when nothing
    # woke it sooner.
    webhooks_allow_private_addresses: bool = False
    webhooks_timeout_seconds: Annotated[float, Field(gt=0, le=60)] = 10.0
    webhooks_retry_first_seconds: Annotated[float, Field(gt=0, le=3600)] = 10.0
    webhooks_retry_longest_seconds: Annotated[float, Field(gt=0, le=86_400)] = 900.0
    webhooks_retry_for_seconds: Annotated[float, Field(ge=0, le=604_800)] = 21_600.0
    webhooks_sweep_seconds: Annotated[float, Field(gt=0, le=3600)] = 5.0
    # GET /internal-backstage/prometheus is open, as Unleash's; true asks for a caller with the
    # ADMIN permission (docs/metrics.md).
    prometheus_require_auth: bool = False
    # Unleash's own web UI (the `frontend/build` directory of the npm package unleash-server),
    # served under /unleash/ when set (web/unleash_ui.py, docs/unleash-ui.md).
    unleash_ui_dir: Path | None = None

    @field_validator("secret_key")
    @classmethod
    def _secret_key_long_enough(cls, value: SecretStr | None) -> SecretStr | None:
        # A short key makes every token hash and session digest guessable: refuse to start.
        if value is not None and len(value.get_secret_value()) < MIN_SECRET_KEY_LENGTH:
            raise ValueError(
                f"FLAGSTAFF_SECRET_KEY must be at least {MIN_SECRET_KEY_LENGTH} characters long; "
                "unset it to have one generated into the data directory"
            )
        return value

    @field_validator("frontend_api_origins", mode="before")
    @classmethod
    def _origins_from_text(cls, value: object) -> object:
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value

    @field_validator("frontend_api_origins")
    @classmethod
    def _valid_origins(cls, value: list[str]) -> list[str]:
        invalid = first_invalid(value)
        if invalid is not None:
            raise ValueError(
                "FLAGSTAFF_FRONTEND_API_ORIGINS must list '*' or origins such as "
                f"https://app.example.com; {invalid!r} is not one"
            )
        return value

    @field_validator("unleash_ui_dir")
    @classmethod
    def _ui_build_present(cls, value: Path | None) -> Path | None:
        if value is not None and not (value / "index.html").is_file():
            raise ValueError(
                "FLAGSTAFF_UNLEASH_UI_DIR must name the UI's build directory (the one holding "
                "index.html and static/, `frontend/build` in the npm package unleash-server)"
            )
        return value

    @field_validator("log_level")
    @classmethod
    def _known_log_level(cls, value: str) -> str:
        if value.lower() not in LOG_LEVELS:
            raise ValueError(f"FLAGSTAFF_LOG_LEVEL must be one of {', '.join(LOG_LEVELS)}")
        return value.lower()

    @property
    def sqlalchemy_url(self) -> str:
        url = self.database_url
        if not url:
            return f"sqlite:///{(self.data_dir / 'flagstaff.db').resolve()}"
        # psycopg 3 is the driver we ship; accept the URL forms people paste.
        for prefix in ("postgres://", "postgresql://"):
            if url.startswith(prefix):
                return "postgresql+psycopg://" + url[len(prefix) :]
        return url

    @property
    def is_sqlite(self) -> bool:
        return self.sqlalchemy_url.startswith("sqlite")

    @cached_property
    def server_secret(self) -> bytes:
        """The key for token hashes and session digests, shared by every process."""
        if self.secret_key is not None:
            return self.secret_key.get_secret_value().encode()
        return load_or_create_secret(self.data_dir / SECRET_KEY_FILE)


def load_settings() -> Settings:
    """Settings from the environment, or a ``ConfigError`` that names what is wrong.

    Pydantic's own message quotes the rejected input, which may be a secret: it is not shown.
    """
    try:
        return Settings()
    except ValidationError as error:
        problems = "; ".join(_describe(e) for e in error.errors(include_input=False))
        raise ConfigError(f"invalid configuration: {problems}") from None


def _describe(error: ErrorDetails) -> str:
    message = error["msg"].removeprefix("Value error, ")
    field = ".".join(str(part) for part in error["loc"]).upper()
    variable = field if field.startswith("DATABASE_URL") else f"FLAGSTAFF_{field}"
    return message if message.startswith(variable) else f"{variable}: {message}"


def load_or_create_secret(path: Path) -> bytes:
    """Read the key file, or create it owner-only. Several processes may race here: the key is
    written to a private temporary file and linked into place, so nobody reads a half-written
    key and exactly one process's key wins."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        temporary = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, "w") as handle:
                handle.write(secrets.token_urlsafe(48))
            os.link(temporary, path)
        except FileExistsError:
            pass  # another process linked its key first; use that one
        finally:
            temporary.unlink(missing_ok=True)
    return _read_secret(path)


def _read_secret(path: Path) -> bytes:
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        log.warning("%s was readable by others (mode %o); made it owner-only", path, mode)
        path.chmod(0o600)
    value = path.read_text().strip()
    if len(value) < MIN_SECRET_KEY_LENGTH:
        raise ConfigError(
            f"{path} holds no usable key (fewer than {MIN_SECRET_KEY_LENGTH} characters); "
            "delete it or set FLAGSTAFF_SECRET_KEY"
        )
    return value.encode()


# Which origins may call the Frontend API from a browser: ``*`` or an exact origin
# (``scheme://host[:port]``, nothing after it), as Unleash's ``validateOrigin`` accepts. The same
# rules hold for the environment variable and for what an admin sets through the API.
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
