"""Loading a client-specification state through Flagstaff's Admin API, as a person would:
projects, segments, custom strategy definitions, flags, strategies, variants, dependencies.

A step the API refuses with 400 marks the flag as refused (with the API's message); any other
failure is recorded as an error. Nothing is written to the database directly."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

import httpx

ENVIRONMENT = "development"
BUILT_IN = {
    "default",
    "userWithId",
    "gradualRolloutUserId",
    "gradualRolloutSessionId",
    "gradualRolloutRandom",
    "flexibleRollout",
    "remoteAddress",
    "applicationHostname",
}


@dataclass
class Loaded:
    refused: dict[str, str] = field(default_factory=dict)  # flag -> the 400's message
    errors: dict[str, str] = field(default_factory=dict)  # flag -> anything else that went wrong
    flags: set[str] = field(default_factory=set)


class RefusedError(Exception):
    pass


class BrokenError(Exception):
    pass


def state_of(spec: dict[str, Any]) -> dict[str, Any]:
    """The features and segments of a spec; delta-API specs are replayed from their events."""
    state: dict[str, Any] = spec["state"]
    if "events" not in state:
        return state
    features: dict[str, Any] = {}
    segments: dict[int, Any] = {}
    for event in state["events"]:
        kind = event["type"]
        if kind == "hydration":
            features = {f["name"]: f for f in event.get("features", [])}
            segments = {s["id"]: s for s in event.get("segments", [])}
        elif kind == "feature-updated":
            features[event["feature"]["name"]] = event["feature"]
        elif kind == "feature-removed":
            features.pop(event["featureName"], None)
        elif kind == "segment-updated":
            segments[event["segment"]["id"]] = event["segment"]
        elif kind == "segment-removed":
            segments.pop(event["segmentId"], None)
    return {"version": 2, "features": list(features.values()), "segments": list(segments.values())}


def _call(admin: httpx.Client, method: str, path: str, body: Any = None) -> Any:
    response = admin.request(method, path, json=body)
    if response.status_code == 400:
        raise RefusedError(f"{method} {path}: {_message(response)}")
    if response.status_code >= 300:
        raise BrokenError(f"{method} {path}: {response.status_code} {response.text[:300]}")
    return response.json() if response.content else None


def _message(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return response.text[:300]
    details = "; ".join(d.get("message", "") for d in body.get("details", []))
    return f"{body.get('message', '')} [{details}]"


def load(admin: httpx.Client, spec: dict[str, Any]) -> Loaded:
    state = state_of(spec)
    loaded = Loaded()
    segment_ids = _segments(admin, state.get("segments", []), loaded)
    _strategy_definitions(admin, state["features"])
    for feature in state["features"]:
        _guard(loaded, feature["name"], lambda f=feature: _feature(admin, f, segment_ids))
    for feature in state["features"]:
        if feature["name"] in loaded.flags:
            _guard(loaded, feature["name"], lambda f=feature: _dependencies(admin, f))
    for feature in state["features"]:
        # Enabled last, once strategies exist (enabling an empty flag would add a default one).
        if feature["name"] in loaded.flags and feature.get("enabled"):
            _guard(loaded, feature["name"], lambda f=feature: _enable(admin, f))
    return loaded


def _guard(loaded: Loaded, name: str, step: Any) -> None:
    try:
        step()
        loaded.flags.add(name)
    except RefusedError as refusal:
        loaded.refused[name] = str(refusal)
        loaded.flags.discard(name)
    except BrokenError as error:
        loaded.errors[name] = str(error)
        loaded.flags.discard(name)


def _segments(
    admin: httpx.Client, segments: list[dict[str, Any]], loaded: Loaded
) -> dict[int, int]:
    ids: dict[int, int] = {}
    for segment in segments:
        try:
            created = _call(
                admin,
                "POST",
                "/api/admin/segments",
                {
                    "name": segment.get("name") or f"segment-{segment['id']}",
                    "constraints": segment["constraints"],
                },
            )
            ids[segment["id"]] = created["id"]
        except (RefusedError, BrokenError) as error:
            loaded.errors[f"segment {segment['id']}"] = str(error)
    return ids


def _strategy_definitions(admin: httpx.Client, features: list[dict[str, Any]]) -> None:
    custom = {s["name"] for f in features for s in f.get("strategies", [])} - BUILT_IN
    for name in sorted(custom):
        _call(admin, "POST", "/api/admin/strategies", {"name": name, "parameters": []})


def _path(feature: dict[str, Any]) -> str:
    project = feature.get("project") or "default"
    return f"/api/admin/projects/{project}/features/{quote(feature['name'], safe='')}"


def _feature(admin: httpx.Client, feature: dict[str, Any], segment_ids: dict[int, int]) -> None:
    project = feature.get("project") or "default"
    body = {
        "name": feature["name"],
        "description": feature.get("description"),
        "type": feature.get("type") or "release",
        "impressionData": bool(feature.get("impressionData")),
    }
    _call(admin, "POST", f"/api/admin/projects/{project}/features", body)
    base = f"{_path(feature)}/environments/{ENVIRONMENT}"
    for strategy in feature.get("strategies", []):
        _call(
            admin,
            "POST",
            f"{base}/strategies",
            {
                "name": strategy["name"],
                "parameters": strategy.get("parameters") or {},
                "constraints": strategy.get("constraints") or [],
                "variants": strategy.get("variants") or [],
                "segments": [_segment(segment_ids, i) for i in strategy.get("segments") or []],
            },
        )
    if feature.get("variants"):
        # Unleash 8 takes environment variants for a new flag only this way.
        _call(
            admin,
            "PUT",
            f"{_path(feature)}/variants-batch",
            {"variants": feature["variants"], "environments": [ENVIRONMENT]},
        )


def _segment(segment_ids: dict[int, int], spec_id: int) -> int:
    """The created segment; a segment the state lacks keeps an id that exists nowhere, which the
    Admin API stores as given (the strategy then evaluates to false)."""
    return segment_ids.get(spec_id, 1_000_000 + spec_id)


def _dependencies(admin: httpx.Client, feature: dict[str, Any]) -> None:
    for dependency in feature.get("dependencies") or []:
        body: dict[str, Any] = {"feature": dependency["feature"]}
        if "enabled" in dependency:
            body["enabled"] = dependency["enabled"]
        if dependency.get("variants"):
            body["variants"] = dependency["variants"]
        _call(admin, "POST", f"{_path(feature)}/dependencies", body)


def _enable(admin: httpx.Client, feature: dict[str, Any]) -> None:
    _call(admin, "POST", f"{_path(feature)}/environments/{ENVIRONMENT}/on")
