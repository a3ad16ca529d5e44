"""Which of the tokens Edge holds are valid, as Unleash's ``EdgeService.getValidTokens``.

Only API tokens (client, frontend, admin) are reported, each with what its own secret already
grants (type, projects, environment); account tokens, unknown, malformed and expired strings
are left out without saying why. Answered from the credential cache; a miss costs the same one
indexed lookup as using the token on the Client API would."""

from __future__ import annotations

from collections.abc import Iterable

from flagstaff.credentials.resolver import CredentialResolver, resolve_token
from flagstaff.edge.schemas import EdgeTokenOut
from flagstaff.rbac.principal import ApiTokenScope, Principal


async def _scope_of(resolver: CredentialResolver, token: str) -> ApiTokenScope | None:
    principal = await resolve_token(resolver, token)
    return principal.api_scope if isinstance(principal, Principal) else None


async def valid_tokens(resolver: CredentialResolver, tokens: Iterable[str]) -> list[EdgeTokenOut]:
    valid: list[EdgeTokenOut] = []
    seen: set[str] = set()
    for token in tokens:
        if token in seen:
            continue
        seen.add(token)
        scope = await _scope_of(resolver, token)
        if scope is None:
            continue
        valid.append(
            EdgeTokenOut(
                token=token,
                type=scope.type,
                projects=list(scope.projects),
                environment=scope.environment,
            )
        )
    return valid
