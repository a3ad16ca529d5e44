"""Evaluating the flags of one environment for a context, with Unleash's engine (Yggdrasil) loaded
from the Client API payload, so the playground answers what an SDK would.

The engine only says whether a flag is enabled and which variant it gives. What the playground
also shows, each strategy's, constraint's and segment's own result, comes from *probes*: copies
of one strategy (or of one constraint, or of one segment's constraints) loaded as flags of their
own into a second engine beside the real flags, and asked the same question. Whether a flag's
dependencies hold is a probe too: an enabled copy without strategies, keeping the dependencies.
Nothing here decides a strategy by itself.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

import orjson

# Unleash's engine ships no type information.
from yggdrasil_engine.engine import UnleashEngine  # type: ignore[import-untyped]

from flagstaff.playground.snapshot import SegmentRow, StrategyRow

# The strategies the engine implements. Unleash's playground cannot decide any other (custom
# strategies, or applicationHostname, which depends on the host): their result is "unknown".
ENGINE_STRATEGIES = frozenset(
    {
        "default",
        "userWithId",
        "gradualRolloutUserId",
        "gradualRolloutSessionId",
        "gradualRolloutRandom",
        "flexibleRollout",
        "remoteAddress",
    }
)
# Strategies that hash with a groupId, which defaults to the flag's name: a probe (named
# otherwise) must carry the real name to land in the same bucket.
GROUPED = frozenset(
    {"flexibleRollout", "gradualRolloutUserId", "gradualRolloutSessionId", "gradualRolloutRandom"}
)
# Longer than any flag name may be (255), so a probe never shadows a real flag.
PROBE_PREFIX = "playground-probe-" + "~" * 255 + "-"
UNKNOWN = "unknown"


class StalePayloadError(Exception):
    """The payload and the snapshot disagree: read both again."""


@dataclass(frozen=True, slots=True)
class ConstraintPlan:
    constraint: dict[str, Any]
    probe: str


@dataclass(frozen=True, slots=True)
class SegmentPlan:
    segment: SegmentRow
    probe: str
    constraints: list[ConstraintPlan]


@dataclass(frozen=True, slots=True)
class StrategyPlan:
    row: StrategyRow
    probe: str | None  # None when disabled: Unleash does not evaluate those
    decidable: bool
    variants: list[Any]
    constraints: list[ConstraintPlan]
    segments: list[SegmentPlan]


@dataclass(frozen=True, slots=True)
class FlagPlan:
    name: str
    project: str
    enabled: bool
    variants: list[Any]
    dependency_probe: str | None
    strategies: list[StrategyPlan]


class EnvironmentEvaluator:
    def __init__(
        self,
        environment: str,
        payload_body: bytes,
        strategies: dict[str, list[StrategyRow]],
        segments: dict[int, SegmentRow],
        projects: frozenset[str] | None,
    ) -> None:
        self.environment = environment
        state = orjson.loads(payload_body)
        self._names = (f"{PROBE_PREFIX}{n}" for n in itertools.count())
        self._probes: list[dict[str, Any]] = []
        # Flags often share constraints and segments: one probe per distinct content, and each
        # probe asked once per context.
        self._probe_names: dict[bytes, str] = {}
        self._memo: dict[str, bool] = {}
        self.plans = [
            self._plan(feature, strategies.get(feature["name"], []), segments)
            for feature in state["features"]
            if projects is None or feature["project"] in projects
        ]
        self._flags = UnleashEngine()
        self._flags.take_state(payload_body.decode())
        self._probed = UnleashEngine()
        self._probed.take_state(
            orjson.dumps(
                {
                    "version": 2,
                    "features": [*state["features"], *self._probes],
                    "segments": state.get("segments", []),
                }
            ).decode()
        )

    def evaluate(self, context: dict[str, Any]) -> list[dict[str, Any]]:
        """Unleash's playgroundFeatureSchema for each flag, in name order."""
        self._memo = {}
        return [self._flag(plan, context) for plan in self.plans]

    # Planning: one probe per strategy, constraint and segment

    def _probe(self, strategy: dict[str, Any], dependencies: Any = None) -> str:
        key = orjson.dumps([strategy, dependencies], option=orjson.OPT_SORT_KEYS)
        known = self._probe_names.get(key)
        if known is not None:
            return known
        name = self._probe_names[key] = next(self._names)
        probe: dict[str, Any] = {
            "name": name,
            "type": "release",
            "enabled": True,
            "stale": False,
            "strategies": [strategy] if strategy else [],
            "variants": [],
            "impressionData": False,
        }
        if dependencies:
            probe["dependencies"] = dependencies
        self._probes.append(probe)
        return name

    def _constraints(self, constraints: list[dict[str, Any]]) -> list[ConstraintPlan]:
        return [
            ConstraintPlan(
                c, self._probe({"name": "default", "constraints": [c], "parameters": {}})
            )
            for c in constraints
        ]

    def _plan(
        self,
        feature: dict[str, Any],
        rows: list[StrategyRow],
        segments: dict[int, SegmentRow],
    ) -> FlagPlan:
        served = list(feature.get("strategies", []))
        if len(served) != sum(1 for row in rows if not row.disabled):
            raise StalePayloadError(feature["name"])
        served_iter = iter(served)
        plans = []
        for row in rows:
            strategy = None if row.disabled else next(served_iter)
            probe = None
            if strategy is not None:
                strategy = dict(strategy)
                parameters = dict(strategy.get("parameters", {}))
                if strategy["name"] in GROUPED and not parameters.get("groupId"):
                    parameters["groupId"] = feature["name"]
                strategy["parameters"] = parameters
                probe = self._probe(strategy)
            segment_plans = [
                SegmentPlan(
                    segments[i],
                    self._probe(_all_of(segments[i])),
                    self._constraints(segments[i].constraints),
                )
                for i in row.segment_ids
                if i in segments
            ]
            plans.append(
                StrategyPlan(
                    row=row,
                    probe=probe,
                    decidable=row.name in ENGINE_STRATEGIES,
                    variants=list(strategy.get("variants", [])) if strategy else [],
                    constraints=self._constraints(row.constraints),
                    segments=segment_plans,
                )
            )
        dependencies = feature.get("dependencies")
        return FlagPlan(
            name=feature["name"],
            project=feature["project"],
            enabled=bool(feature.get("enabled")),
            variants=list(feature.get("variants") or []),
            dependency_probe=self._probe({}, dependencies) if dependencies else None,
            strategies=plans,
        )

    # Evaluation

    def _enabled(self, name: str, context: dict[str, Any]) -> bool:
        found = self._memo.get(name)
        if found is None:
            found = self._memo[name] = bool(self._probed.check_enabled(name, context).is_enabled)
        return found

    def _flag(self, plan: FlagPlan, context: dict[str, Any]) -> dict[str, Any]:
        enabled = bool(self._flags.check_enabled(plan.name, context).is_enabled)
        strategies = [self._strategy(plan, s, context) for s in plan.strategies]
        result = _overall(plan, strategies)
        unsatisfied = plan.dependency_probe is not None and not self._enabled(
            plan.dependency_probe, context
        )
        winner = next(
            (
                s
                for s in strategies
                if s["result"]["enabled"] is True and s["result"].get("variants")
            ),
            None,
        )
        return {
            "isEnabled": enabled,
            "isEnabledInCurrentEnvironment": plan.enabled,
            "hasUnsatisfiedDependency": unsatisfied,
            "variant": self._variant(plan.name, enabled, context, from_strategy=bool(winner)),
            "variants": winner["result"]["variants"] if winner else plan.variants,
            "name": plan.name,
            "projectId": plan.project,
            "strategies": {"result": result, "data": strategies},
        }

    def _variant(
        self, name: str, enabled: bool, context: dict[str, Any], *, from_strategy: bool
    ) -> dict[str, Any]:
        """Unleash's variant field: a strategy's variant comes without ``featureEnabled``."""
        if not enabled:
            return {"name": "disabled", "enabled": False, "feature_enabled": False}
        variant = self._flags.check_variant(name, context).variant
        shown: dict[str, Any] = {"name": variant.name, "enabled": bool(variant.enabled)}
        if variant.payload:
            shown["payload"] = variant.payload
        shown["feature_enabled"] = True
        if not from_strategy:
            shown["featureEnabled"] = True
        return shown

    def _checked(self, plans: list[ConstraintPlan], context: dict[str, Any]) -> list[Any]:
        return [{**p.constraint, "result": self._enabled(p.probe, context)} for p in plans]

    def _strategy(
        self, flag: FlagPlan, plan: StrategyPlan, context: dict[str, Any]
    ) -> dict[str, Any]:
        row = plan.row
        constraints = self._checked(plan.constraints, context)
        segments = [
            {
                "id": s.segment.id,
                "name": s.segment.name,
                "result": self._enabled(s.probe, context),
                "constraints": self._checked(s.constraints, context),
            }
            for s in plan.segments
        ]
        result: dict[str, Any]
        if plan.probe is None:
            result = {"enabled": UNKNOWN, "evaluationStatus": "unevaluated"}
        elif not plan.decidable:
            passes = all(c["result"] for c in constraints) and all(s["result"] for s in segments)
            result = {"enabled": UNKNOWN if passes else False, "evaluationStatus": "incomplete"}
        else:
            result = {"enabled": self._enabled(plan.probe, context), "evaluationStatus": "complete"}
            if result["enabled"] and plan.variants:
                variant = self._probed.check_variant(plan.probe, context).variant
                result["variant"] = {"name": variant.name, "enabled": True}
                if variant.payload:
                    result["variant"]["payload"] = variant.payload
                result["variants"] = plan.variants
        body: dict[str, Any] = {"name": row.name, "id": row.id}
        if row.title:
            body["title"] = row.title
        body.update(
            {
                "disabled": row.disabled,
                "parameters": row.parameters,
                "result": result,
                "constraints": constraints,
                "segments": segments,
                "links": {
                    "edit": f"/projects/{flag.project}/features/{flag.name}/strategies/edit"
                    f"?environmentId={self.environment}&strategyId={row.id}"
                },
            }
        )
        return body


def _all_of(segment: SegmentRow) -> dict[str, Any]:
    return {"name": "default", "constraints": segment.constraints, "parameters": {}}


def _overall(plan: FlagPlan, strategies: list[dict[str, Any]]) -> bool | str:
    """Unleash's rule: true when a strategy is surely on, "unknown" when one might be."""
    if not strategies:
        return plan.enabled
    if any(
        s["result"]["enabled"] is True and s["result"]["evaluationStatus"] == "complete"
        for s in strategies
    ):
        return True
    if any(s["result"]["enabled"] == UNKNOWN for s in strategies):
        return UNKNOWN
    return False
