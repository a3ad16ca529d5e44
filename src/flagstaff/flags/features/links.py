"""Links on flags (Unleash's feature links): up to ten web addresses about a flag, such as its
ticket or a code search, shown with the flag.

As Unleash, an address without a scheme is taken as ``https://``, a flag holds at most ten
links (403 past that) and each change records ``feature-link-added``, ``-updated`` or
``-removed`` with ``{url, title}``. Unlike Unleash, only http(s) addresses without a user name or
password are stored (Unleash also keeps ``javascript:`` or ``mailto:`` ones, which the UI then
renders as links), the address is kept as given apart from its scheme and host being lower-cased
(Unleash also drops ``www.``, ``utm_`` parameters and a trailing slash), and the flag must be an
active one of the project in the path, and the link one of that flag (Unleash looks a link up by
id alone).
"""

from __future__ import annotations

import re
import secrets
import threading
import time
from collections import defaultdict
from collections.abc import Sequence
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from flagstaff.core.db import NAME_LENGTH
from flagstaff.core.errors import BadDataError, NotFoundError, OperationDeniedError
from flagstaff.events.service import Actor, EventService
from flagstaff.flags import lookup
from flagstaff.flags.features.models import Feature, FeatureLink
from flagstaff.flags.features.service import FeatureService

MAX_LINKS = 10  # per flag, as Unleash
MAX_URL = 1_000  # the column
MAX_TITLE = NAME_LENGTH
ULID_LENGTH = 26
HAS_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*://")
CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


class _UlidGenerator:
    """ULIDs (48-bit millisecond time, 80 random bits, Crockford base32) that increase within
    this process even in the same millisecond, so ordering links by id keeps the order they
    were added in, as Unleash lists them."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._last_ms = -1
        self._last_random = 0

    def __call__(self) -> str:
        with self._lock:
            now_ms = time.time_ns() // 1_000_000
            if now_ms <= self._last_ms and self._last_random < (1 << 80) - 1:
                now_ms = self._last_ms
                random_part = self._last_random + 1
            else:
                random_part = secrets.randbits(80)
            self._last_ms, self._last_random = now_ms, random_part
        value = (now_ms << 80) | random_part
        return "".join(CROCKFORD[(value >> shift) & 31] for shift in range(125, -1, -5))


new_ulid = _UlidGenerator()


def normalized_url(text: str) -> str:
    """The address as stored: ``https://`` when it names no scheme, scheme and host in lower
    case; anything but an http(s) address with a host is bad data."""
    text = text.strip()
    if not text or any(ch.isspace() or ord(ch) < 0x20 or ord(ch) == 0x7F for ch in text):
        raise BadDataError(f"Invalid URL: {text}")
    if not HAS_SCHEME.match(text):
        text = "https:" + text if text.startswith("//") else "https://" + text
    try:
        parts = urlsplit(text)
        parts.port  # noqa: B018 -- raises ValueError for a port that is not a number
    except ValueError:
        raise BadDataError(f"Invalid URL: {text}") from None
    if parts.scheme.lower() not in ("http", "https"):
        raise BadDataError(f"Only http and https links are allowed, not {parts.scheme}")
    if not parts.hostname:
        raise BadDataError(f"Invalid URL: {text}")
    if parts.username is not None or parts.password is not None:
        raise BadDataError("A link cannot carry a user name or password")
    host = parts.netloc.lower()
    url = urlunsplit((parts.scheme.lower(), host, parts.path, parts.query, parts.fragment))
    if len(url) > MAX_URL:
        raise BadDataError(f"A link's URL is at most {MAX_URL} characters long")
    return url


def link_json(link: FeatureLink) -> dict[str, Any]:
    """A link as the flag's body lists it (Unleash's featureSchema ``links`` items)."""
    return {"id": link.id, "url": link.url, "title": link.title, "feature": link.feature_name}


def links_of(session: Session, names: Sequence[str]) -> dict[str, list[FeatureLink]]:
    """Each flag's links, oldest first."""
    grouped: dict[str, list[FeatureLink]] = defaultdict(list)
    rows = session.scalars(
        select(FeatureLink).where(FeatureLink.feature_name.in_(names)).order_by(FeatureLink.id)
    )
    for link in rows:
        grouped[link.feature_name].append(link)
    return grouped


class LinkService:
    def __init__(self, session: Session) -> None:
        self.session = session
        self.events = EventService(session)

    def add(
        self,
        actor: Actor,
        project_id: str,
        feature_name: str,
        url: str,
        title: str | None,
        *,
        title_given: bool,
    ) -> FeatureLink:
        feature = self._locked_feature(project_id, feature_name)
        stored_url = normalized_url(url)
        _check_title(title)
        count = self.session.execute(
            select(func.count()).where(FeatureLink.feature_name == feature.name)
        ).scalar_one()
        if count >= MAX_LINKS:
            raise OperationDeniedError(f"Too many links ({MAX_LINKS}) exist for this feature")
        link = FeatureLink(
            id=new_ulid(),
            feature_name=feature.name,
            url=stored_url,
            title=title,
            created_by_user_id=actor.user_id,
        )
        self.session.add(link)
        self.session.flush()
        self.events.record(
            actor,
            "feature-link-added",
            data=_event_data(link, title_given=title_given),
            project=project_id,
            feature_name=feature.name,
        )
        return link

    def update(
        self,
        actor: Actor,
        project_id: str,
        feature_name: str,
        link_id: str,
        url: str,
        title: str | None,
        *,
        title_given: bool,
    ) -> FeatureLink:
        """A new address; the title changes only when one is sent (null clears it), as
        Unleash's update leaves out what the body leaves out."""
        link = self._link(project_id, feature_name, link_id)
        stored_url = normalized_url(url)
        _check_title(title)
        before = _event_data(link, title_given=True)
        link.url = stored_url
        if title_given:
            link.title = title
        self.session.flush()
        self.events.record(
            actor,
            "feature-link-updated",
            data=_event_data(link, title_given=True),
            pre_data=before,
            project=project_id,
            feature_name=link.feature_name,
        )
        return link

    def remove(self, actor: Actor, project_id: str, feature_name: str, link_id: str) -> None:
        link = self._link(project_id, feature_name, link_id)
        before = _event_data(link, title_given=True)
        self.session.delete(link)
        self.session.flush()
        self.events.record(
            actor,
            "feature-link-removed",
            pre_data=before,
            project=project_id,
            feature_name=feature_name,
        )

    def _locked_feature(self, project_id: str, feature_name: str) -> Feature:
        """The active flag of the project, its row held until commit: links added at once to
        one flag are counted one after another, so none passes the limit."""
        lookup.project(self.session, project_id)
        FeatureService(self.session).lock([feature_name])
        return lookup.feature(self.session, project_id, feature_name)

    def _link(self, project_id: str, feature_name: str, link_id: str) -> FeatureLink:
        lookup.project(self.session, project_id)
        lookup.feature(self.session, project_id, feature_name)
        found = self.session.get(FeatureLink, link_id) if len(link_id) == ULID_LENGTH else None
        if found is None or found.feature_name != feature_name:
            raise NotFoundError(f"No item with id {link_id}")
        return found


def _check_title(title: str | None) -> None:
    if title is not None and len(title) > MAX_TITLE:
        raise BadDataError(f"A link's title is at most {MAX_TITLE} characters long")


def _event_data(link: FeatureLink, *, title_given: bool) -> dict[str, Any]:
    """``{url, title}``; a link added without a title records no ``title`` key, as Unleash's."""
    data: dict[str, Any] = {"url": link.url}
    if title_given or link.title is not None:
        data["title"] = link.title
    return data
