"""Turning a flag on or off in an environment, alone or several at once, and the events
that say so."""
