"""Sector plugin residential_models (criteria sets being written)."""
