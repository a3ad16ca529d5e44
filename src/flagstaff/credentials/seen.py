"""``seenAt`` for tokens: marked in memory on each use, written in one batched UPDATE per kind
every interval (never one write per request)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import datetime

from sqlalchemy.orm import Session

from flagstaff.core.db import Database, utcnow
from flagstaff.core.periodic import Periodic
from flagstaff.rbac.principal import KIND_BITS, CredentialKind

log = logging.getLogger(__name__)

Flusher = Callable[[Session, set[int], datetime], None]


class SeenTracker:
    def __init__(self, database: Database, interval_seconds: float) -> None:
        self._database = database
        self._pending: dict[int, None] = {}  # Principal.seen_key values, in use order
        self._flushers: dict[CredentialKind, Flusher] = {}
        self._lock = threading.Lock()
        self._flusher = Periodic("seen-flusher", interval_seconds, self._safe_flush)

    def register(self, kind: CredentialKind, flusher: Flusher) -> None:
        self._flushers[kind] = flusher

    def mark(self, seen_key: int) -> None:
        """Per request: one dict store, no lock. A use that races a flush may be counted in the
        next one; seen-at is advisory, so that is the right trade for the hot path."""
        self._pending[seen_key] = None

    def flush(self) -> int:
        with self._lock:
            pending, self._pending = self._pending, {}
        by_kind: dict[CredentialKind, set[int]] = {}
        kinds = list(CredentialKind)
        for key in pending:
            kind = kinds[key & ((1 << KIND_BITS) - 1)]
            if kind in self._flushers:
                by_kind.setdefault(kind, set()).add(key >> KIND_BITS)
        if not by_kind:
            return 0
        now = utcnow()
        with self._database.transaction() as session:
            for kind, ids in by_kind.items():
                self._flushers[kind](session, ids, now)
        return sum(len(ids) for ids in by_kind.values())

    def start(self) -> None:
        self._flusher.start()

    def stop(self) -> None:
        self._flusher.stop()
        self._safe_flush()

    def _safe_flush(self) -> None:
        try:
            self.flush()
        except Exception:
            # Last-seen times are advisory: a failed flush is logged, not fatal.
            log.exception("seen-at flush failed")
