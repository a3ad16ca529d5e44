"""Settings, read from the environment (``FLAGSTAFF_*`` and ``DATABASE_URL``)."""

from __future__ import annotations

import os
import secrets
import time
from functools import cached_property
from pathlib import Path

from pydantic import AliasChoices, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

SECRET_KEY_FILE = "secret_key"  # noqa: S105 - a file name
MIN_SECRET_KEY_LENGTH = 32


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
    max_login_attempts: int = 10
    lockout_minutes: int = 15
    max_tokens_per_account: int = 10
    max_body_bytes: int = 1_048_576
    revision_poll_seconds: float = 0.25
    seen_flush_seconds: float = 60.0
    # Only honour X-Forwarded-Proto when a proxy we trust sets it.
    trust_proxy_headers: bool = False
    log_level: str = "INFO"

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
            value = self.secret_key.get_secret_value()
            if len(value) < MIN_SECRET_KEY_LENGTH:
                raise ConfigError(
                    f"FLAGSTAFF_SECRET_KEY must be at least {MIN_SECRET_KEY_LENGTH} characters"
                )
            return value.encode()
        return _load_or_create_secret(self.data_dir / SECRET_KEY_FILE)


def _load_or_create_secret(path: Path) -> bytes:
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        # O_EXCL: when several workers start at once exactly one creates the key.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return _read_secret(path)
    with os.fdopen(fd, "w") as handle:
        handle.write(secrets.token_urlsafe(48))
    return _read_secret(path)


def _read_secret(path: Path) -> bytes:
    for _ in range(50):
        value = path.read_text().strip()
        if value:
            return value.encode()
        # Another process created the file and has not written it yet.
        time.sleep(0.02)
    raise ConfigError(f"{path} is empty; delete it or set FLAGSTAFF_SECRET_KEY")
