"""The issuers' keys of this process, kept on the context: created on first use."""

from __future__ import annotations

from flagstaff.core.context import ProcessContext
from flagstaff.credentials.federation.issuers import IssuerKeys, http_fetcher

KEY = "federation.issuer_keys"


def issuer_keys(context: ProcessContext) -> IssuerKeys:
    found = context.extras.get(KEY)
    if isinstance(found, IssuerKeys):
        return found
    settings = context.settings
    created = IssuerKeys(
        http_fetcher(
            settings.oidc_fetch_timeout_seconds,
            allow_loopback_http=settings.oidc_allow_loopback_http,
        )
    )
    context.extras[KEY] = created
    return created
