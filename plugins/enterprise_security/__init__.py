"""Sector plugin enterprise_security (criteria sets being written)."""
