"""The layering of ``src/flagstaff``, as ``docs/architecture.md`` draws it: an import may go down
or sideways, never up, and packages on one tier import each other without a cycle.

Each module's tier is its package's (``TIERS``); a module that serves HTTP (``routes``,
``*_routes``, ``deps``) sits at least on the HTTP tier, wherever its package is. Inside
``flags`` the same holds for its sub-packages (``FLAG_ORDER``), with one allowance: the tables
(``*/models.py``) and the shared modules at the root of ``flags`` form one schema that every flag
module may read.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest

pytestmark = pytest.mark.engine_independent

SRC = Path(__file__).resolve().parent.parent / "src"

TIERS: tuple[frozenset[str], ...] = tuple(
    frozenset(names.split())
    for names in (
        "flagstaff core config metrics",  # infrastructure; the package root: the version only
        "rbac",  # the caller (Principal), permissions, the one policy function
        "events",  # the event log every change writes to
        "accounts instance",  # people and service accounts, login; instance-wide settings
        "flags",  # projects, environments, flags and everything on them
        "credentials",  # account tokens, API tokens, their resolution into a Principal
        "service_accounts roles inactive_users applications transfer instance_stats maintenance "
        "provisioning addons",
        # admin features over the layers below
        "http",  # the request: process context, principal, permission, actor
        "client_api frontend_api edge playground",  # SDK-facing APIs
        "web",  # the pages
        "app cli startup migrations __main__",  # entry points and wiring
    )
)
HTTP_TIER = next(i for i, names in enumerate(TIERS) if "http" in names)

FLAG_ORDER = (
    "environments",
    "projects",
    "constraints",
    "strategies",
    "segments",
    "tags",
    "features",
    "toggles",
    "context",
    "metrics",
    "favorites",
    "search",
    "overview",
)
FLAG_SHARED = frozenset({"errors", "lookup", "jsonpatch", "schemas", "paths", "seed"})


def module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


@cache
def modules() -> dict[str, Path]:
    return {module_name(p): p for p in (SRC / "flagstaff").rglob("*.py")}


def resolve(name: str) -> str:
    """The module an imported name lives in (``a.b.C`` -> ``a.b``)."""
    known = modules()
    while name not in known and "." in name:
        name = name.rpartition(".")[0]
    return name


@cache
def imports() -> list[tuple[str, str, int]]:
    """(importer, imported module, line) for every import of a ``flagstaff`` module, wherever it
    sits (TYPE_CHECKING blocks and function bodies included)."""
    found = []
    for name, path in modules().items():
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            targets: list[str] = []
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                targets = [resolve(f"{node.module}.{alias.name}") for alias in node.names]
            elif isinstance(node, ast.Import):
                targets = [resolve(alias.name) for alias in node.names]
            for target in targets:
                if target.split(".")[0] == "flagstaff" and target != name:
                    found.append((name, target, node.lineno))
    return found


def package(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else parts[0]


def serves_http(module: str) -> bool:
    last = module.rpartition(".")[2]
    return last in ("routes", "deps") or last.endswith("_routes")


def tier(module: str) -> int:
    own = next(i for i, names in enumerate(TIERS) if package(module) in names)
    return max(own, HTTP_TIER) if serves_http(module) else own


def flag_rank(module: str) -> int | None:
    """Where a ``flags`` module stands among its sub-packages; None for the shared schema."""
    parts = module.split(".")
    if len(parts) < 3 or parts[2] in FLAG_SHARED or parts[-1] == "models":
        return None
    if serves_http(module):
        return len(FLAG_ORDER)
    return FLAG_ORDER.index(parts[2]) if parts[2] in FLAG_ORDER else None


def cycles(edges: set[tuple[str, str]]) -> Iterator[list[str]]:
    graph: dict[str, set[str]] = {}
    for a, b in edges:
        graph.setdefault(a, set()).add(b)

    def walk(node: str, path: list[str]) -> Iterator[list[str]]:
        for nxt in sorted(graph.get(node, ())):
            if nxt == path[0]:
                yield [*path, nxt]
            elif nxt not in path and nxt > path[0]:
                yield from walk(nxt, [*path, nxt])

    for start in sorted(graph):
        yield from walk(start, [start])


def test_every_package__has_a_tier() -> None:
    placed = set().union(*TIERS)
    assert {package(m) for m in modules()} <= placed


def test_imports__never_go_up_a_tier() -> None:
    upward = [
        f"{a}:{line} imports {b} (tier {tier(a)} -> {tier(b)})"
        for a, b, line in imports()
        if tier(b) > tier(a)
    ]
    assert not upward, "\n".join(upward)


def test_packages__import_each_other_without_cycles() -> None:
    edges = {
        (package(a), package(b))
        for a, b, _ in imports()
        if package(a) != package(b) and not serves_http(a)
    }
    found = [" -> ".join(cycle) for cycle in cycles(edges)]
    assert not found, "\n".join(found)


def test_flags__sub_packages_follow_their_order() -> None:
    backward = []
    for a, b, line in imports():
        if package(a) != "flags" or package(b) != "flags":
            continue
        ra, rb = flag_rank(a), flag_rank(b)
        if rb is not None and (ra is None or rb > ra):
            backward.append(f"{a}:{line} imports {b}")
    assert not backward, "\n".join(backward)


@pytest.mark.parametrize(
    ("module", "expected"),
    [
        ("flagstaff.core.db", 0),
        ("flagstaff.accounts.routes", HTTP_TIER),
        ("flagstaff.flags.features.link_routes", HTTP_TIER),
        ("flagstaff.flags.deps", HTTP_TIER),
        ("flagstaff.client_api.routes", HTTP_TIER + 1),
        ("flagstaff.app", len(TIERS) - 1),
    ],
)
def test_tier__of_known_modules(module: str, expected: int) -> None:
    assert tier(module) == expected


def test_cycles__found_when_present() -> None:
    assert list(cycles({("a", "b"), ("b", "c"), ("c", "a"), ("c", "d")})) == [["a", "b", "c", "a"]]
