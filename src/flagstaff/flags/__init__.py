"""Projects, environments, feature flags, strategies, segments and everything on them.

The map, one sub-package per sub-domain, each with the house's file names (``models.py`` tables,
``schemas.py`` request bodies, ``service.py`` behaviour, ``routes.py`` HTTP):

- ``environments/``  global environments (development, production, ...)
- ``projects/``      projects, the environments each uses, project access (members and their
                     roles), archiving and reviving, which projects a caller sees
- ``constraints/``   constraint and regular-expression validation (no tables)
- ``strategies/``    activation strategies, their variants, strategy definitions, the default
                     strategy of a project's environment
- ``segments/``      reusable constraint lists that strategies refer to
- ``tags/``          tag types and tags on flags
- ``features/``      the flags themselves: create, update, archive, revive, delete, types,
                     dependencies, links, lifecycle stages, cloning, the full flag body
- ``toggles/``       on and off per environment, one flag or several
- ``context/``       context fields
- ``metrics/``       flag usage as SDKs report it (hourly yes/no counts)
- ``favorites/``     projects and flags an account marks
- ``search/``        the flag search query language and its answer
- ``overview/``      a project's overview, health, status and flag creators

Shared by all of them: ``errors.py``, ``lookup.py`` (find a row or raise the 404 Unleash gives),
``jsonpatch.py``, ``schemas.py`` (list limits, JSON Patch operations), ``seed.py`` (the rows a
fresh database starts with), ``paths.py`` and ``deps.py`` (what flag routes share), and
``routes.py`` (every flag router).

**Layering inside ``flags``.** The tables are one schema: any module here may read any flags
table (``*/models.py``) and the shared modules above. Behaviour follows the order of the list
(a sub-package uses only those before it): a strategy knows nothing of toggles, a flag's body
(``features/views.py``) is assembled from strategies, links and lifecycle stages.
``tests/test_layering.py`` holds the order.

**The model.** A project groups flags and is where project roles are held. An environment exists
once, globally; a project chooses the environments it uses (``project_environments``). A flag
belongs to one project and carries the environment-independent fields of Unleash's client payload
(``name``, ``type``, ``description``, ``stale``, ``impressionData``); archiving sets
``archived_at`` and keeps its rows so it can be revived. Per environment a flag has one
``feature_environments`` row (``enabled`` and the flag's variants there), created for every
environment its project uses. A ``feature_strategies`` row is one activation strategy of a flag in
one environment (definition name, string parameters, constraints as validated, strategy variants,
title, disabled, sort order); removing the environment from the project removes its strategies.
Segments attach through ``feature_strategy_segments``; a segment in use cannot be deleted.
Dependencies say a child flag is evaluated only when its parent (same project) is enabled, or
disabled, or enabled with one of some variants.

So the Client API payload for one environment is, per unarchived flag in the scope's projects: the
flag's row, its ``feature_environments`` row for that environment, its strategies there in
``sort_order`` (with segment ids), and its dependencies.
"""
