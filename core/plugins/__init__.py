"""The plugin contract: the only module a plugin imports from the core.

    from core.plugins import CriteriaSet, hookimpl

Every name in ``__all__`` is documented in ``docs/plugins.md`` ("Public names") and follows the
plugin API version :data:`API_VERSION` (a plugin declares ``requires_core = ">=1.0,<2"``).
Everything else in ``core``, including this package's submodules, may change between releases.
The host itself (loading, checking, mounting plugins) is the app factory's business
(:func:`core.plugins.manager.load_plugins`), not a plugin's.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask import current_app

from core.plugins.builders import (
    at_least_share,
    choice_field,
    clamp_score,
    count_field,
    met,
    met_if_none,
    number_field,
    share,
    text_field,
    weighted_score,
    yes_no_field,
)
from core.plugins.children import ChildrenView, ChildResult
from core.plugins.criteria import AGGREGATES, CriteriaSet, CriteriaSetError
from core.plugins.evaluation import EvaluationContext, evaluate
from core.plugins.fields import FieldInfo, describe
from core.plugins.manager import API_VERSION, ENTRY_POINT_GROUP
from core.plugins.markers import hookimpl
from core.plugins.points import default_score

if TYPE_CHECKING:
    from core.plugins.manager import PluginHost

__all__ = [
    "AGGREGATES",
    "API_VERSION",
    "ChildResult",
    "ChildrenView",
    "CriteriaSet",
    "CriteriaSetError",
    "ENTRY_POINT_GROUP",
    "EvaluationContext",
    "FieldInfo",
    "at_least_share",
    "choice_field",
    "clamp_score",
    "count_field",
    "current_host",
    "default_score",
    "describe",
    "evaluate",
    "hookimpl",
    "met",
    "met_if_none",
    "number_field",
    "share",
    "text_field",
    "weighted_score",
    "yes_no_field",
]


def current_host() -> PluginHost:
    """The running app's loaded plugins and criteria sets (needs an app context).

    Read-only for plugins: ``criteria_set(key, version=None)`` (``None`` when not loaded),
    ``versions(key)``, ``latest_sets()``, ``owner_of(key)`` and ``plugins[name].state``
    (``loaded``, ``failed`` or ``disabled``).
    """
    # Imported here so that the facade does not export the host's internals.
    from core.plugins.manager import plugin_host

    return plugin_host(current_app)
