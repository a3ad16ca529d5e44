"""``seenAt`` for tokens: marked in memory on each use, written in one batched UPDATE per kind
every interval (never one write per request). The client addresses an account token is used from
are gathered the same way and written with it."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import datetime

from sqlalchemy.orm import Session

from flagstaff.core.db import Database, utcnow
from flagstaff.core.periodic import Periodic
from flagstaff.metrics.instruments import job_failed
from flagstaff.rbac.principal import KIND_BITS, CredentialKind

log = logging.getLogger(__name__)

Flusher = Callable[[Session, set[int], datetime], None]
AddressFlusher = Callable[[Session, dict[int, set[str]], datetime], None]


class SeenTracker:
    def __init__(self, database: Database, interval_seconds: float) -> None:
        self._database = database
        self._pending: dict[int, None] = {}  # Principal.seen_key values, in use order
        self._flushers: dict[CredentialKind, Flusher] = {}
        self._addresses: dict[tuple[int, str], None] = {}  # (seen_key, client address)
        self._address_flushers: dict[CredentialKind, AddressFlusher] = {}
        self._lock = threading.Lock()
        self._flusher = Periodic("seen-flusher", interval_seconds, self._safe_flush)

    def register(
        self, kind: CredentialKind, flusher: Flusher, addresses: AddressFlusher | None = None
    ) -> None:
        self._flushers[kind] = flusher
        if addresses is not None:
            self._address_flushers[kind] = addresses

    def mark_address(self, seen_key: int, address: str) -> None:
        """Per request with an account token: one dict store, like ``mark``."""
        self._addresses[(seen_key, address)] = None

    def mark(self, seen_key: int) -> None:
        """Per request: one dict store, no lock. A use that races a flush may be counted in the
        next one; seen-at is advisory, so that is the right trade for the hot path."""
        self._pending[seen_key] = None

    def flush(self) -> int:
        with self._lock:
            pending, self._pending = self._pending, {}
            addresses, self._addresses = self._addresses, {}
        by_kind: dict[CredentialKind, set[int]] = {}
        for key in pending:
            kind, credential_id = _unpack(key)
            if kind in self._flushers:
                by_kind.setdefault(kind, set()).add(credential_id)
        seen_from: dict[CredentialKind, dict[int, set[str]]] = {}
        for key, address in addresses:
            kind, credential_id = _unpack(key)
            if kind in self._address_flushers:
                seen_from.setdefault(kind, {}).setdefault(credential_id, set()).add(address)
        if not by_kind and not seen_from:
            return 0
        now = utcnow()
        with self._database.transaction() as session:
            for kind, ids in by_kind.items():
                self._flushers[kind](session, ids, now)
            for kind, by_credential in seen_from.items():
                self._address_flushers[kind](session, by_credential, now)
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
            job_failed(self._flusher.name)


KINDS = list(CredentialKind)


def _unpack(seen_key: int) -> tuple[CredentialKind, int]:
    return KINDS[seen_key & ((1 << KIND_BITS) - 1)], seen_key >> KIND_BITS
