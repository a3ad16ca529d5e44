"""The Client API's per-process state, kept on the context: payloads of the current revision,
the recent contents that deltas are computed from, and the open streams."""

from __future__ import annotations

from dataclasses import dataclass

from flagstaff.client_api.cache import PayloadCache
from flagstaff.client_api.delta import DeltaHistory
from flagstaff.client_api.streaming import StreamHub
from flagstaff.core.context import ProcessContext

KEY = "client_api"


@dataclass
class ClientApiState:
    payloads: PayloadCache
    deltas: DeltaHistory
    streams: StreamHub


def client_api_state(context: ProcessContext) -> ClientApiState:
    """Created on first use, subscribed to the revision watcher for the life of the context."""
    state = context.extras.get(KEY)
    if isinstance(state, ClientApiState):
        return state
    payloads = PayloadCache(context.database)
    deltas = DeltaHistory()
    created = ClientApiState(
        payloads,
        deltas,
        StreamHub(
            payloads,
            deltas,
            context.settings.streaming_max_connections,
            context.settings.streaming_heartbeat_seconds,
        ),
    )
    context.watcher.subscribe(created.payloads.on_revision)
    # After the payloads: the hub builds new ones when told, so the old must be gone by then.
    context.watcher.subscribe(created.streams.on_revision)
    if context.watcher.current >= 0:
        created.payloads.on_revision(context.watcher.current)
    context.extras[KEY] = created
    return created
