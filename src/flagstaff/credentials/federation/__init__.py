"""Federation: service-account tokens in exchange for an OIDC ID token, with no stored secret.

A trust policy on a service account names an issuer, the audience its ID tokens must carry and
conditions on their claims (``models``, ``schemas``, ``service``). The exchange (RFC 8693 in
shape) verifies an ID token against the issuer's published keys and mints a short-lived token of
the usual format, marked as federated. ``claims`` holds the matching rules.
"""
