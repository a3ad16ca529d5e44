"""Admin API reads served from memory between changes.

Entries are serialized response bodies keyed by what they describe. The cache is dropped whenever
the revision moves (every change bumps it, in this process at once and in others within a poll),
and an entry built while a drop happened is not kept, so a read never outlives the change after it
by more than the revision poll interval. Authorization still runs on every request.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from typing import Any

import orjson

MAX_ENTRIES = 5_000


class ReadCache:
    def __init__(self) -> None:
        self._entries: dict[Hashable, bytes] = {}
        self._lock = threading.Lock()
        self.generation = 0

    def clear(self, _revision: int | None = None) -> None:
        with self._lock:
            self._entries = {}
            self.generation += 1

    def get(self, key: Hashable) -> bytes | None:
        return self._entries.get(key)

    def body(self, key: Hashable, build: Callable[[], Any]) -> bytes:
        """The serialized body for ``key``, built (and kept) on a miss."""
        cached = self._entries.get(key)
        if cached is not None:
            return cached
        generation = self.generation
        body = orjson.dumps(build())
        with self._lock:
            if generation == self.generation and len(self._entries) < MAX_ENTRIES:
                self._entries[key] = body
        return body
