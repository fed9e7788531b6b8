"""Sector plugin individuals (criteria sets being written)."""
