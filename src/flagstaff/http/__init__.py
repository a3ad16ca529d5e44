"""Where a request meets the features: the process context and the dependencies every API
route declares (session, principal, permission, actor)."""
