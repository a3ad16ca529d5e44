"""Every credential that is not a login session: account tokens (personal and service-account
tokens) and API tokens, their formats, their digests, and how a request's token becomes a
``Principal``.

A token's way, from the ``Authorization`` header to the permission decision:

1. ``http.deps.resolve_principal`` reads the header (bare or ``Bearer``);
2. ``credentials.resolver`` asks the in-process ``cache`` (a dict keyed by the token), and on a
   miss classifies the token by shape and hands it to its authenticator:
   ``account_tokens.authenticator`` (``user:…``, checksum checked before any lookup) or
   ``api_tokens.authenticator`` (``project:env.…`` and ``*:*.…``); each looks up the keyed digest
   (``core.keys``) in one indexed query and builds a frozen ``rbac.principal.Principal``, with the
   account's grants from ``rbac.grants``;
3. ``rbac.policy.is_allowed`` decides.

The ``seen`` tracker records each use in memory and writes "last seen" in batches.
"""
