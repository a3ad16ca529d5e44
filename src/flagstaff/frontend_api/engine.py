"""Server-side evaluation with Unleash's own engine (Yggdrasil): one engine per token scope
and revision, loaded from the same cached payload the Client API serves."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

import orjson

# Unleash's engine ships no type information.
from yggdrasil_engine.engine import UnleashEngine  # type: ignore[import-untyped]

from flagstaff.client_api.cache import RevisionCache
from flagstaff.client_api.payload import Scope
from flagstaff.client_api.state import client_api_state
from flagstaff.http.context import AppContext

KEY = "frontend_engines"


@dataclass(frozen=True, slots=True)
class FlagInfo:
    name: str
    impression_data: bool


class LoadedEngine:
    def __init__(self, revision: int, state: bytes) -> None:
        self.revision = revision
        self._engine = UnleashEngine()
        self._engine.take_state(state.decode())
        self.flags = [
            FlagInfo(f["name"], bool(f.get("impressionData")))
            for f in orjson.loads(state)["features"]
        ]
        # The engine is a native object; one evaluation at a time keeps it out of trouble.
        self._lock = threading.Lock()

    def evaluate(self, context: dict[str, Any]) -> list[dict[str, Any]]:
        """Unleash's Frontend API answer: every flag enabled for ``context``, with its variant."""
        toggles = []
        with self._lock:
            for flag in self.flags:
                variant = self._engine.check_variant(flag.name, context).variant
                if not variant.feature_enabled:
                    continue
                shown: dict[str, Any] = {"name": variant.name, "enabled": variant.enabled}
                if variant.payload:
                    shown["payload"] = variant.payload
                shown["feature_enabled"] = True
                shown["featureEnabled"] = True
                toggles.append(
                    {
                        "name": flag.name,
                        "enabled": True,
                        "variant": shown,
                        "impressionData": flag.impression_data,
                    }
                )
        return toggles


class Engines:
    def __init__(self, context: AppContext) -> None:
        self._context = context
        self.entries: RevisionCache[tuple[tuple[str, ...], str], LoadedEngine] = RevisionCache(
            lambda engine: engine.revision
        )

    def for_scope(self, projects: tuple[str, ...], environment: str) -> LoadedEngine:
        """Blocking: may build the payload and load an engine."""

        def load() -> LoadedEngine:
            payload = client_api_state(self._context).payloads.get_or_build(
                Scope(projects, environment, inline_segments=False)
            )
            return LoadedEngine(payload.revision, payload.body)

        return self.entries.get_or_build((projects, environment), load)


def engines(context: AppContext) -> Engines:
    found = context.extras.get(KEY)
    if isinstance(found, Engines):
        return found
    created = Engines(context)
    context.watcher.subscribe(created.entries.on_revision)
    if context.watcher.current >= 0:
        created.entries.on_revision(context.watcher.current)
    context.extras[KEY] = created
    return created
