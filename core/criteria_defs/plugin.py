"""Bộ tiêu chí do đơn vị tự xây dựng (criteria tables defined as data)

The built-in plugin that serves the tables owners import from Excel (:mod:`core.criteria_defs`)
as ordinary criteria sets: forms, the API, validation, scoring, rollups and the Excel form read
them as they read a sector plugin's. It declares no set at start-up; it answers the keys
``d<owner id>.<key>`` when a period, a report or a page names one, lets only the owner and the
units below it enable a table, and leaves a table for chosen units or a cluster out of the other
units' reports.
"""

from __future__ import annotations

from flask import has_app_context

from core.criteria_defs import operations
from core.db.engine import session
from core.plugins import CriteriaSet, hookimpl

requires_core = ">=1.0,<2"


@hookimpl
def thidua_find_criteria_set(key: str, version: int | None) -> CriteriaSet | None:
    """A stored table's set, or None for a key of another shape or outside an app."""
    if not operations.is_defined_key(key) or not has_app_context():
        return None
    return operations.find_set(session(), key, version)


@hookimpl
def thidua_criteria_set_reach(criteria_set: CriteriaSet, tenant) -> bool | None:
    """Only the table's owner and the units below it may enable it in their periods."""
    if not operations.is_defined_key(criteria_set.key):
        return None
    return operations.reaches(session(), criteria_set.key, tenant)


@hookimpl
def thidua_criteria_set_applies(criteria_set: CriteriaSet, tenant) -> bool | None:
    """A table for chosen units or a cluster is filled only by them."""
    if not operations.is_defined_key(criteria_set.key) or not has_app_context():
        return None
    return operations.applies(session(), criteria_set.key, tenant)
