"""The core's own hook implementations, registered like any plugin's."""

from __future__ import annotations

from core.plugins.markers import hookimpl
from core.plugins.points import default_score


@hookimpl(trylast=True)
def thidua_score(criteria_set, data):
    """The default scorer: runs after every plugin's ``thidua_score`` answered ``None``."""
    return default_score(criteria_set, data)
