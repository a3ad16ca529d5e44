"""Managing roles: custom root and project roles, created, changed and deleted by admins, with
the holders that keep a role in use. What a role lets its holder do is decided in ``rbac``."""
