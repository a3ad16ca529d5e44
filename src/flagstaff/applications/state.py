"""The metrics buffer of this process, kept on the context: what SDKs report is counted here and
written in batches (see ``buffer``)."""

from __future__ import annotations

from flagstaff.applications.buffer import MetricsBuffer
from flagstaff.core.context import ProcessContext

KEY = "applications.metrics"


def metrics_buffer(context: ProcessContext) -> MetricsBuffer:
    """Created on first use, for the life of the context."""
    found = context.extras.get(KEY)
    if isinstance(found, MetricsBuffer):
        return found
    created = MetricsBuffer(context.database)
    context.extras[KEY] = created
    return created
