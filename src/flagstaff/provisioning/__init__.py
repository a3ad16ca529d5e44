"""Accounts declared in a file: service accounts, custom roles and projects read from YAML,
compared with the database as a plan, and applied in one transaction through their services."""
