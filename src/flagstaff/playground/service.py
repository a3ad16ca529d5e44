"""The playground: which flags a context gets, per environment, and why.

Reads the flags through the Client API payload (the bytes SDKs download), evaluated by
``evaluator.py``; knows nothing of HTTP.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from flagstaff.client_api.payload import ALL_PROJECTS, Payload, Scope, build
from flagstaff.core.db import Database
from flagstaff.core.errors import BadDataError, ConflictError
from flagstaff.frontend_api.context import build as engine_context
from flagstaff.playground import context as playground_context
from flagstaff.playground import snapshot
from flagstaff.playground.context import CheckedContext
from flagstaff.playground.evaluator import EnvironmentEvaluator, StalePayloadError

# Unleash's default limit of the advanced playground: environments x flags x contexts.
MAX_EVALUATIONS = 15_000
# A change between reading the snapshot and the payload makes us read both again.
ATTEMPTS = 3

CachedPayload = Callable[[Scope], Payload | None]


class PlaygroundService:
    def __init__(self, database: Database, cached: CachedPayload | None = None) -> None:
        self.database = database
        self._cached = cached

    def evaluate(
        self, projects: Sequence[str] | None, environment: str, context: CheckedContext
    ) -> list[dict[str, Any]]:
        fields = playground_context.single(context)
        [evaluator] = self._evaluators(projects, [environment])
        return evaluator.evaluate(engine_context(fields, None))

    def evaluate_advanced(
        self, projects: Sequence[str] | None, environments: Sequence[str], context: CheckedContext
    ) -> list[dict[str, Any]]:
        """Per flag, per environment, one result per combination of the context's values."""
        environments = list(dict.fromkeys(environments))
        combinations = playground_context.combination_count(context)
        _limit(len(environments), 1, combinations)
        evaluators = self._evaluators(projects, environments)
        _limit(len(environments), len(evaluators[0].plans), combinations)
        contexts = playground_context.combinations(context)
        by_flag: dict[str, dict[str, Any]] = {}
        for evaluator in evaluators:
            for flat in contexts:
                for result in evaluator.evaluate(engine_context(flat, None)):
                    entry = by_flag.setdefault(
                        result["name"],
                        {
                            "name": result["name"],
                            "projectId": result["projectId"],
                            "environments": {},
                        },
                    )
                    entry["environments"].setdefault(evaluator.environment, []).append(
                        _with_context(result, evaluator.environment, flat)
                    )
        return list(by_flag.values())

    def _evaluators(
        self, projects: Sequence[str] | None, environments: Sequence[str]
    ) -> list[EnvironmentEvaluator]:
        wanted = frozenset(projects) if projects is not None else None
        for _ in range(ATTEMPTS):
            read = snapshot.read(self.database, projects, environments)
            payloads = [self._payload(env, read.revision) for env in environments]
            if any(p.revision != read.revision for p in payloads):
                continue
            try:
                return [
                    EnvironmentEvaluator(
                        env, p.body, read.strategies.get(env, {}), read.segments, wanted
                    )
                    for env, p in zip(environments, payloads, strict=True)
                ]
            except StalePayloadError:
                continue
        raise ConflictError("The flags kept changing while the playground read them; try again")

    def _payload(self, environment: str, revision: int) -> Payload:
        scope = Scope((ALL_PROJECTS,), environment, inline_segments=False)
        cached = self._cached(scope) if self._cached else None
        if cached is not None and cached.revision == revision:
            return cached
        return build(self.database, scope)


def _limit(environments: int, flags: int, contexts: int) -> None:
    total = environments * flags * contexts
    if total > MAX_EVALUATIONS:
        raise BadDataError(
            f"Rejecting evaluation as it would generate {total} combinations exceeding "
            f"{MAX_EVALUATIONS} limit. Please reduce the number of selected environments "
            f"({environments}), features ({flags}), context field combinations ({contexts})."
        )


def _with_context(result: dict[str, Any], environment: str, flat: dict[str, str]) -> dict[str, Any]:
    """Unleash's advancedPlaygroundEnvironmentFeatureSchema: the result, its environment and
    the one combination of context values it was evaluated for."""
    shown = dict(result)
    strategies = shown.pop("strategies")
    shown["context"] = flat
    shown["environment"] = environment
    shown["strategies"] = strategies
    return shown
