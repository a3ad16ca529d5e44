"""Accounts: people and service accounts (one table, as in Unleash), their passwords, login and
login sessions, and user administration."""
