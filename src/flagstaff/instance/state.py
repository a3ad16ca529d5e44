"""Instance settings as the hot paths read them: one snapshot of the ``settings`` table per
revision, kept in memory. A request never queries the database for a setting; the first one
after a change loads the snapshot once (in a worker thread), the rest read the dict."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from starlette.concurrency import run_in_threadpool

from flagstaff.core import revision
from flagstaff.core.context import ProcessContext
from flagstaff.core.db import Database
from flagstaff.instance.models import InstanceSetting
from flagstaff.instance.service import FRONTEND_SETTINGS, MAINTENANCE_SETTINGS, ORIGINS_KEY

KEY = "instance_settings"


@dataclass(frozen=True, slots=True)
class Snapshot:
    revision: int
    values: dict[str, Any] = field(default_factory=dict)


class InstanceSettingsCache:
    def __init__(self, database: Database, default_origins: list[str]) -> None:
        self._database = database
        self._default_origins = tuple(default_origins)
        self._snapshot: Snapshot | None = None
        self._floor = -1
        self._lock = threading.Lock()
        self._loading = threading.Lock()  # after a change, one request loads; the rest wait

    def on_revision(self, value: int) -> None:
        with self._lock:
            self._floor = max(self._floor, value)
            if self._snapshot is not None and self._snapshot.revision < self._floor:
                self._snapshot = None

    def cached(self) -> Snapshot | None:
        """Lock-free; ``None`` when only the database can answer."""
        snapshot = self._snapshot
        if snapshot is None or snapshot.revision < self._floor:
            return None
        return snapshot

    def load(self) -> Snapshot:
        """Blocking: the current snapshot, read from the database when the cache has none."""
        snapshot = self.cached()
        if snapshot is not None:
            return snapshot
        with self._loading:
            snapshot = self.cached()
            if snapshot is not None:
                return snapshot
            with self._database.session(write=False) as session:
                # The revision first: the rows read after it are at least that new, so a
                # change that lands in between only makes the snapshot look older than it is.
                at = revision.read(session)
                rows = session.execute(select(InstanceSetting.name, InstanceSetting.content))
                snapshot = Snapshot(at, {row.name: row.content for row in rows})
            with self._lock:
                if snapshot.revision >= self._floor:
                    self._snapshot = snapshot
            return snapshot

    async def current(self) -> Snapshot:
        """For the event loop: the cached snapshot, or one loaded in a worker thread."""
        snapshot = self.cached()
        if snapshot is None:
            snapshot = await run_in_threadpool(self.load)
        return snapshot

    def frontend_api_origins(self, snapshot: Snapshot) -> tuple[str, ...]:
        """The origins an admin set, else the configured default."""
        stored = snapshot.values.get(FRONTEND_SETTINGS)
        if isinstance(stored, dict) and isinstance(stored.get(ORIGINS_KEY), list):
            return tuple(str(origin) for origin in stored[ORIGINS_KEY])
        return self._default_origins

    @staticmethod
    def maintenance_enabled(snapshot: Snapshot) -> bool:
        stored = snapshot.values.get(MAINTENANCE_SETTINGS)
        return isinstance(stored, dict) and stored.get("enabled") is True


def instance_settings(context: ProcessContext) -> InstanceSettingsCache:
    """Created on first use, subscribed to the revision watcher for the life of the context."""
    found = context.extras.get(KEY)
    if isinstance(found, InstanceSettingsCache):
        return found
    created = InstanceSettingsCache(context.database, context.settings.frontend_api_origins)
    context.watcher.subscribe(created.on_revision)
    if context.watcher.current >= 0:
        created.on_revision(context.watcher.current)
    context.extras[KEY] = created
    return created
