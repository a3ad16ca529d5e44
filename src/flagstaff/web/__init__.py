"""The web UI: server-rendered pages over the same services the API uses.

No build step: Jinja2 templates, one hand-written stylesheet and a few small scripts. Pages need
a login session (never a token); every unsafe request carries a CSRF token bound to the session.
"""
