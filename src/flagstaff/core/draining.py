"""The moment a process begins to shut down, for what would otherwise keep it from stopping.

A server waits for every response to finish before it stops; a response that never finishes by
itself (a stream of server-sent events) would hold it forever. Such responses register a
callback here; the server calls ``drain()`` as its shutdown begins, before it waits.
"""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Callable
from types import FrameType

log = logging.getLogger(__name__)

_callbacks: set[Callable[[], None]] = set()


def on_drain(callback: Callable[[], None]) -> None:
    _callbacks.add(callback)


def drain() -> None:
    """Runs every callback once. From any thread: callbacks hand their work to their loop."""
    callbacks = list(_callbacks)
    _callbacks.clear()
    for callback in callbacks:
        try:
            callback()
        except Exception:
            log.exception("shutdown callback %r failed", callback)


def drain_on_signals() -> None:
    """Calls ``drain()`` when SIGINT or SIGTERM arrives, then the handler that was there (the
    server's own, which starts its graceful shutdown). Call at start-up from the server's event
    loop; only the main thread can take signals, elsewhere (a server in a test's thread) this
    does nothing. The server puts its own handlers back when it stops, which removes these."""
    if threading.current_thread() is not threading.main_thread():
        return
    for number in (signal.SIGINT, signal.SIGTERM):
        previous = signal.getsignal(number)

        def handler(signum: int, frame: FrameType | None, previous: object = previous) -> None:
            drain()
            if callable(previous):
                previous(signum, frame)

        signal.signal(number, handler)
