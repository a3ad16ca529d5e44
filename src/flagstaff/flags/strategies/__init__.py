"""Activation strategies of a flag in an environment, their variants, the strategy
definitions one may use, and the default strategy a project gives an environment."""
