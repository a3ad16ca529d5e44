"""API tokens in Unleash's shapes: client (backend SDKs), frontend (browser SDKs) and admin
tokens, each limited to its API and scoped to projects and an environment."""
