"""Templates (autoescaped, always), the filters they use, static URLs and flash messages."""

from __future__ import annotations

import hashlib
import zlib
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from flagstaff.core.db import utcnow
from flagstaff.web.nav import nav_items

HERE = Path(__file__).parent
TEMPLATES = HERE / "templates"
STATIC = HERE / "static"
FLASH_COOKIE = "flagstaff-flash"
AVATAR_COLOURS = 8


def short_date(value: datetime | None) -> str:
    return "" if value is None else f"{value.day} {value:%b %Y}"


def date_time(value: datetime | None) -> str:
    return "" if value is None else f"{value.day} {value:%b %Y, %H:%M} UTC"


def iso_date(value: str | None) -> str:
    """An API timestamp (``2024-05-01T12:00:00.000Z``) as the pages show dates."""
    if not value:
        return ""
    return short_date(datetime.fromisoformat(value.replace("Z", "+00:00")))


def iso_text(value: datetime | None) -> str:
    return "" if value is None else value.isoformat()


def time_ago(value: datetime | None, now: datetime | None = None) -> str:
    if value is None:
        return "never"
    seconds = int(((now or utcnow()) - value).total_seconds())
    if seconds < 60:
        return "just now"
    for size, unit in (
        (86400 * 365, "year"),
        (86400 * 30, "month"),
        (86400, "day"),
        (3600, "hour"),
        (60, "minute"),
    ):
        if seconds >= size:
            count = seconds // size
            return f"{count} {unit}{'' if count == 1 else 's'} ago"
    return "just now"  # pragma: no cover - the loop always returns


def initials(name: str | None) -> str:
    words = [w for w in (name or "").replace("-", " ").replace("_", " ").split() if w[:1].isalnum()]
    if not words:
        return "?"
    letters = words[0][0] + (words[1][0] if len(words) > 1 else "")
    return letters.upper()


def avatar_class(seed: str | None) -> str:
    return f"avatar-{zlib.crc32((seed or '').encode()) % AVATAR_COLOURS}"


def plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


@cache
def _asset_version(path: str) -> str:
    data = (STATIC / path).read_bytes()
    return hashlib.sha256(data).hexdigest()[:10]


def static_url(path: str) -> str:
    """A static file's URL with a content hash, so browsers may cache it for long."""
    return f"/static/{path}?v={_asset_version(path)}"


def url_part(value: object) -> str:
    """A path segment: everything escaped, ``/`` too."""
    return quote(str(value), safe="")


def _environment() -> Environment:
    environment = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=True,  # every template, whatever its name
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters.update(
        date=short_date,
        datetime=date_time,
        iso=iso_text,
        isodate=iso_date,
        ago=time_ago,
        initials=initials,
        avatar_class=avatar_class,
        plural=plural,
        urlpart=url_part,
    )
    environment.globals.update(static_url=static_url)
    return environment


ENVIRONMENT = _environment()


def render(
    request: Request,
    template: str,
    *,
    user: Any = None,
    status: int = 200,
    **values: Any,
) -> HTMLResponse:
    flash = request.cookies.get(FLASH_COOKIE)
    html = ENVIRONMENT.get_template(template).render(
        request=request,
        user=user,
        nav=nav_items(user.principal) if user is not None else [],
        csrf_token=user.csrf_token if user is not None else "",
        flash=unquote(flash)[:300] if flash else None,
        path=request.url.path,
        **values,
    )
    response = HTMLResponse(html, status_code=status)
    if flash:
        response.delete_cookie(FLASH_COOKIE, path="/")
    return response


def redirect(url: str, *, flash: str | None = None) -> Response:
    """303 to a page after a change; ``flash`` is shown once there. Never put a secret in it."""
    response = RedirectResponse(url, status_code=303)
    if flash:
        response.set_cookie(
            FLASH_COOKIE, quote(flash), max_age=60, httponly=True, samesite="lax", path="/"
        )
    return response
