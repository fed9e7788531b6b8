"""Sector plugin grassroots_forces (criteria sets being written)."""
