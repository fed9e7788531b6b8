"""Sector plugin mediation (criteria sets being written)."""
