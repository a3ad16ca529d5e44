"""Instance usage statistics (``/api/admin/instance-admin/statistics``), from the database."""
