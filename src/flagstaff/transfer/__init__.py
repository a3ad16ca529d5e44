"""Unleash's import and export of flags (``/api/admin/features-batch``).

An export is one environment's view of a set of flags: the flags, their strategies and state there,
and what those need (context fields, segments, tag types, dependencies). An import applies such a
document to a project and environment through the flag services, so every change is checked and
recorded as if made by hand, all in the request's one transaction.
"""
