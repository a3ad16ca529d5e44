"""Instance-wide settings every process reads from the database (Unleash's ``settings`` table)."""
