"""Infrastructure every feature leans on, and that knows no feature: storage, the revision,
periodic jobs, errors and their HTTP rendering, routing, logs, caches, keyed digests and the
migration runner. Nothing here imports from another ``flagstaff`` package."""
