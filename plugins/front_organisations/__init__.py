"""Sector plugin front_organisations (criteria sets being written)."""
