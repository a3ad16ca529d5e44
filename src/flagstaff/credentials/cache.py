"""The in-process cache of resolved credentials.

Cleared whenever the revision moves. Entries loaded while a clear happened are dropped rather
than stored (the generation check), so a revocation can never be overwritten by a stale read.
"""

from __future__ import annotations

import threading
import time

from flagstaff.credentials.refusal import Refusal
from flagstaff.rbac.principal import Principal

MAX_NEGATIVE_ENTRIES = 10_000


class _Miss:
    pass


MISS = _Miss()


class CredentialCache:
    def __init__(self, negative_ttl_seconds: float = 5.0) -> None:
        self._negative_ttl = negative_ttl_seconds
        self._hits: dict[str, Principal | Refusal] = {}
        self._misses: dict[str, float] = {}
        self._lock = threading.Lock()
        self.generation = 0

    def clear(self, _revision: int | None = None) -> None:
        with self._lock:
            self._hits = {}
            self._misses = {}
            self.generation += 1

    def get(self, digest: str) -> Principal | Refusal | _Miss | None:
        """The cached principal or refusal, ``MISS`` for a recently unknown credential, else
        ``None``."""
        principal = self._hits.get(digest)
        if principal is not None:
            return principal
        until = self._misses.get(digest)
        if until is not None and until > time.monotonic():
            return MISS
        return None

    def put(self, digest: str, principal: Principal | Refusal | None, generation: int) -> None:
        with self._lock:
            if generation != self.generation:
                return
            if principal is not None:
                self._hits[digest] = principal
                return
            if len(self._misses) >= MAX_NEGATIVE_ENTRIES:
                # A flood of random tokens: forget them all rather than grow without bound.
                self._misses = {}
            self._misses[digest] = time.monotonic() + self._negative_ttl

    def forget(self, digest: str) -> None:
        with self._lock:
            self._hits.pop(digest, None)

    def __len__(self) -> int:
        return len(self._hits)
