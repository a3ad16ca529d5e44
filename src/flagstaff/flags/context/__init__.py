"""Context fields: the names (and legal values) that constraints may test."""
