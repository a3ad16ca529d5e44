"""Environments: global (development, production, ...), each enabled per project."""
