"""Projects, environments, feature flags, strategies, segments and everything on them."""
