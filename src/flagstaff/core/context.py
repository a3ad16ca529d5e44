"""What one process holds of the infrastructure: settings, the database, the revision watcher,
the read cache, the server's keys, and per-process state that features keep under their own key
(``extras``). Features below the HTTP layer take this; ``http.context.AppContext`` extends it with
the credentials machinery."""

from __future__ import annotations

from dataclasses import dataclass, field

from flagstaff.config import Settings
from flagstaff.core.db import Database
from flagstaff.core.keys import Keys
from flagstaff.core.read_cache import ReadCache
from flagstaff.core.revision import RevisionWatcher


@dataclass(kw_only=True)
class ProcessContext:
    settings: Settings
    database: Database
    keys: Keys
    watcher: RevisionWatcher
    reads: ReadCache = field(default_factory=ReadCache)
    extras: dict[str, object] = field(default_factory=dict)
