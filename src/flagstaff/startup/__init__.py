"""Putting a process together, beside ``app.py``: what every start does after migrating
(``bootstrap``: predefined roles, the first admin, seeded defaults, API tokens from the
environment) and the wiring of the SDK-facing APIs (``sdk_apis``)."""
