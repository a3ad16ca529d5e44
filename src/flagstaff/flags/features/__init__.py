"""Feature flags themselves: created, changed, archived, revived and deleted; their types,
dependencies on other flags, links, lifecycle stages, cloning, and the full body a flag is shown
with."""
