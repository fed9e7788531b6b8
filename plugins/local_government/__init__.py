"""Sector plugin local_government (criteria sets being written)."""
