"""A project's overview, health report, status and flag creators: read models over its flags."""
