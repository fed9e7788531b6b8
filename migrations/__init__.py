"""Alembic migrations of the core schema (a package so that it installs with the project)."""
