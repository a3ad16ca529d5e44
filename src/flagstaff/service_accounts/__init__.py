"""Service accounts: identities for integrations, with a root role and project roles, no
password, and tokens that admins manage (``credentials.account_tokens``)."""
