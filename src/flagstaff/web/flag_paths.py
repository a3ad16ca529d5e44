"""Page URLs of flags. Flag names may hold any character a path can carry, ``/`` included."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote, urlencode

from fastapi import Path

ProjectId = Annotated[str, Path(max_length=100)]


def flag_url(project: str, name: str) -> str:
    return f"/projects/{quote(project, safe='')}/features/{quote(name, safe='')}"


def project_url(project: str) -> str:
    return f"/projects/{quote(project, safe='')}"


def strategy_url(project: str, **params: str) -> str:
    return f"{project_url(project)}/strategy?{urlencode(params)}"


def safe_return(target: str, fallback: str) -> str:
    """A page of this server to go back to after a form: never another site."""
    if target.startswith("/") and not target.startswith(("//", "/\\")) and "\n" not in target:
        return target
    return fallback
