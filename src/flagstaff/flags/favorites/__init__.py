"""Favorites: the projects and flags an account marks for itself."""
