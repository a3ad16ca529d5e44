"""The webhook deliverer of this process, kept on the context and woken whenever the revision
moves (an event was committed, in this process or another)."""

from __future__ import annotations

from flagstaff.addons.delivery import Deliverer
from flagstaff.core.context import ProcessContext

KEY = "addons.deliverer"


def deliverer(context: ProcessContext) -> Deliverer:
    """Created on first use, for the life of the context."""
    found = context.extras.get(KEY)
    if isinstance(found, Deliverer):
        return found
    created = Deliverer(context.database, context.settings, context.keys)
    context.watcher.subscribe(created.nudge)
    context.extras[KEY] = created
    return created
