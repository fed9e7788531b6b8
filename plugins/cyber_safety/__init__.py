"""Sector plugin cyber_safety (criteria sets being written)."""
