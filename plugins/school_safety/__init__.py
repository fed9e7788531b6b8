"""Sector plugin school_safety (criteria sets being written)."""
