"""Payloads of the current revision, per scope. Built on first use, dropped when the revision
moves (the watcher tells us), never stored when built from an older snapshot than the newest
revision this process has seen."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Generic, TypeVar

from flagstaff.client_api.payload import Payload, Scope, build
from flagstaff.core.db import Database

# A flood of distinct ``namePrefix`` values must not grow memory without bound.
MAX_ENTRIES = 512

K = TypeVar("K")
V = TypeVar("V")


class RevisionCache(Generic[K, V]):
    """Values that each belong to one revision; only the newest revision's are kept."""

    def __init__(self, revision_of: Callable[[V], int]) -> None:
        self._revision_of = revision_of
        self._entries: dict[K, V] = {}
        self._floor = -1
        self._lock = threading.Lock()
        self._building: dict[K, threading.Lock] = {}

    def on_revision(self, value: int) -> None:
        with self._lock:
            self._floor = max(self._floor, value)
            self._entries = {
                k: v for k, v in self._entries.items() if self._revision_of(v) >= self._floor
            }

    def get(self, key: K) -> V | None:
        """Lock-free: a dict read is atomic, and a stale entry is refused by the floor."""
        value = self._entries.get(key)
        if value is None or self._revision_of(value) < self._floor:
            return None
        return value

    def get_or_build(self, key: K, build: Callable[[], V]) -> V:
        """Blocking (call from a worker thread): concurrent misses of one key build it once."""
        value = self.get(key)
        if value is not None:
            return value
        with self._lock:
            key_lock = self._building.setdefault(key, threading.Lock())
        with key_lock:
            value = self.get(key)
            if value is None:
                value = build()
                self._put(key, value)
        with self._lock:
            self._building.pop(key, None)
        return value

    def _put(self, key: K, value: V) -> None:
        with self._lock:
            if self._revision_of(value) < self._floor:
                return  # built from a snapshot older than what we already know of
            if len(self._entries) >= MAX_ENTRIES:
                self._entries = {}
            self._entries[key] = value

    def __len__(self) -> int:
        return len(self._entries)


class PayloadCache:
    def __init__(self, database: Database) -> None:
        self._database = database
        self.entries: RevisionCache[Scope, Payload] = RevisionCache(lambda p: p.revision)

    def on_revision(self, value: int) -> None:
        self.entries.on_revision(value)

    def get(self, scope: Scope) -> Payload | None:
        return self.entries.get(scope)

    def get_or_build(self, scope: Scope) -> Payload:
        return self.entries.get_or_build(scope, lambda: build(self._database, scope))
