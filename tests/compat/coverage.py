"""Flagstaff's HTTP API compared with Unleash's OpenAPI documents, operation by operation.

An operation is a method and a path with its parameter names dropped (``/api/admin/projects/{}``),
since Flagstaff and Unleash name some path parameters differently. ``unleash_operations.json`` is
extracted from ``../shared/reference`` by ``scripts/unleash-operations``.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

OPERATIONS_FILE = Path(__file__).with_name("unleash_operations.json")
COVERAGE_DOC = Path(__file__).resolve().parents[2] / "docs" / "unleash-api-coverage.md"
API_PREFIXES = ("/api/", "/auth/", "/edge/", "/health", "/ready")

Operation = tuple[str, str]

# Operations Flagstaff serves that neither document lists, and why they are kept.
EXTRAS: dict[Operation, str] = {
    ("GET", "/api/admin/archive/features"): "Unleash up to 6; issue 3 asks for the archive API",
    ("GET", "/api/admin/archive/features/{}"): "Unleash up to 6: archived flags of one project",
    ("GET", "/api/admin/projects/{}"): "Unleash up to 7 (getProject); the UI and SDK tools use it",
    ("GET", "/api/admin/projects/{}/features/{}/variants"): "Unleash's deprecated flag variants",
    ("PUT", "/api/admin/projects/{}/features/{}/variants"): "Unleash's deprecated flag variants",
    ("PATCH", "/api/admin/projects/{}/features/{}/variants"): "Unleash's deprecated flag variants",
}

# Flagstaff's own operations (documented in docs/service-accounts.md), which no Unleash has.
LIFECYCLE = "token lifecycle (docs/service-accounts.md)"
THROTTLE = "login throttling (docs/login-throttling.md)"
TRUST = "trust policies for the OIDC exchange (docs/service-accounts.md)"
EXTENSIONS: dict[Operation, str] = {
    ("POST", "/api/admin/user/tokens/{}/rotate"): LIFECYCLE,
    ("POST", "/api/admin/user/tokens/{}/disable"): LIFECYCLE,
    ("POST", "/api/admin/user/tokens/{}/enable"): LIFECYCLE,
    ("PUT", "/api/admin/user/tokens/{}/self-rotation"): LIFECYCLE,
    ("POST", "/api/admin/user/tokens/self/rotate"): LIFECYCLE,
    ("GET", "/api/admin/user/tokens/self"): "who am I, for a token (docs/service-accounts.md)",
    ("POST", "/api/admin/service-account/{}/token/{}/rotate"): LIFECYCLE,
    ("POST", "/api/admin/service-account/{}/token/{}/disable"): LIFECYCLE,
    ("POST", "/api/admin/service-account/{}/token/{}/enable"): LIFECYCLE,
    ("PUT", "/api/admin/service-account/{}/token/{}/self-rotation"): LIFECYCLE,
    ("POST", "/api/admin/service-account/{}/disable"): LIFECYCLE,
    ("POST", "/api/admin/service-account/{}/enable"): LIFECYCLE,
    ("POST", "/api/admin/user-admin/{}/disable"): LIFECYCLE,
    ("POST", "/api/admin/user-admin/{}/enable"): LIFECYCLE,
    ("DELETE", "/api/admin/user-admin/{}/login-throttle"): THROTTLE,
    ("GET", "/api/admin/tokens"): "credential inventory (docs/service-accounts.md)",
    ("POST", "/api/admin/tokens/revoke"): "credential inventory (docs/service-accounts.md)",
    ("POST", "/api/admin/tokens/{}/disable"): "credential inventory (docs/service-accounts.md)",
    ("POST", "/api/admin/tokens/{}/enable"): "credential inventory (docs/service-accounts.md)",
    ("GET", "/api/admin/tokens/policy"): "token lifetime policy (docs/service-accounts.md)",
    ("PUT", "/api/admin/tokens/policy"): "token lifetime policy (docs/service-accounts.md)",
    ("PUT", "/api/admin/service-account/{}/managers"): "managers of a service account",
    ("GET", "/api/admin/service-account/{}/trust-policies"): TRUST,
    ("POST", "/api/admin/service-account/{}/trust-policies"): TRUST,
    ("GET", "/api/admin/service-account/{}/trust-policies/{}"): TRUST,
    ("PUT", "/api/admin/service-account/{}/trust-policies/{}"): TRUST,
    ("DELETE", "/api/admin/service-account/{}/trust-policies/{}"): TRUST,
    ("POST", "/api/public/token-revocation"): "leak revocation (docs/secret-scanning.md)",
    ("POST", "/api/admin/provisioning/apply"): "provisioning files (docs/provisioning.md)",
    ("POST", "/api/auth/oidc/token"): "OIDC token exchange (docs/service-accounts.md)",
}


@dataclass(frozen=True)
class UnleashOperation:
    method: str
    path: str
    tag: str
    operation_id: str

    @property
    def key(self) -> Operation:
        return (self.method, normalize(self.path))


def normalize(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "{}", path)


def unleash_operations() -> dict[str, list[UnleashOperation]]:
    documents: dict[str, list[list[str]]] = json.loads(OPERATIONS_FILE.read_text())
    return {name: [UnleashOperation(*row) for row in rows] for name, rows in documents.items()}


def flagstaff_operations(openapi: dict[str, Any]) -> set[Operation]:
    return {
        (method.upper(), normalize(path))
        for path, item in openapi["paths"].items()
        if path.startswith(API_PREFIXES)
        for method in item
    }


def coverage_markdown(ours: set[Operation]) -> str:
    """docs/unleash-api-coverage.md: which of Unleash OSS 8.2's operations Flagstaff serves."""
    documents = unleash_operations()
    oss = documents["8.2-oss"]
    served = [operation for operation in oss if operation.key in ours]
    by_tag: dict[str, list[UnleashOperation]] = defaultdict(list)
    for operation in oss:
        by_tag[operation.tag].append(operation)
    hosted_only = sorted(
        {op.key for op in documents["7.5-hosted"]} - {op.key for op in oss} & ours,
        key=lambda key: (key[1], key[0]),
    )
    lines = [
        "# Unleash API coverage",
        "",
        "Generated by `scripts/api-coverage` from Flagstaff's OpenAPI document and Unleash's",
        "(`tests/compat/unleash_operations.json`, extracted from `../shared/reference`).",
        "`tests/compat/test_unleash_operations.py` fails when this file is out of date.",
        "",
        f"Flagstaff serves **{len(served)} of the {len(oss)} operations** in Unleash OSS 8.2's",
        f"document, **{len(hosted_only)} more** that only Unleash's hosted (Enterprise) document",
        f"has (service accounts among them), {len(EXTRAS)} from older Unleash versions, and",
        f"{len(EXTENSIONS)} of its own.",
        "",
        "| Tag | Served | Operations not served |",
        "|---|---|---|",
    ]
    for tag in sorted(by_tag):
        operations = by_tag[tag]
        missing = [f"`{op.method} {op.path}`" for op in operations if op.key not in ours]
        count = len(operations) - len(missing)
        lines.append(f"| {tag} | {count}/{len(operations)} | {', '.join(missing) or 'none'} |")
    lines += ["", "## Enterprise operations Flagstaff serves in the open", ""]
    lines += [f"- `{method} {path}`" for method, path in hosted_only]
    lines += ["", "## Operations from older Unleash versions", ""]
    lines += [f"- `{method} {path}`: {reason}" for (method, path), reason in EXTRAS.items()]
    lines += ["", "## Flagstaff's own operations", ""]
    lines += [f"- `{method} {path}`: {reason}" for (method, path), reason in EXTENSIONS.items()]
    return "\n".join(lines) + "\n"
