"""Constraints as the client specification defines them: operators, values, and the regular
expressions Unleash's engine can run."""
