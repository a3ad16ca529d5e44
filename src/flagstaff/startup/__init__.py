"""What a start does after migrating: predefined roles, the first admin, seeded defaults and
the API tokens named in the environment."""
