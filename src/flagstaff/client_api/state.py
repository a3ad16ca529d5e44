"""The Client API's per-process state, kept on the context: payloads of the current revision."""

from __future__ import annotations

from dataclasses import dataclass

from flagstaff.client_api.cache import PayloadCache
from flagstaff.core.context import ProcessContext

KEY = "client_api"


@dataclass
class ClientApiState:
    payloads: PayloadCache


def client_api_state(context: ProcessContext) -> ClientApiState:
    """Created on first use, subscribed to the revision watcher for the life of the context."""
    state = context.extras.get(KEY)
    if isinstance(state, ClientApiState):
        return state
    created = ClientApiState(PayloadCache(context.database))
    context.watcher.subscribe(created.payloads.on_revision)
    if context.watcher.current >= 0:
        created.payloads.on_revision(context.watcher.current)
    context.extras[KEY] = created
    return created
