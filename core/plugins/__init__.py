"""The plugin host (pluggy project ``thidua``) and the public facade for plugin authors.

Plugin authors import only from here::

    from core.plugins import CriteriaSet, hookimpl

Everything else in ``core`` may change between releases; the names in ``__all__`` follow the
plugin API version :data:`API_VERSION` (declare ``requires_core = ">=1.0,<2"`` in your plugin).
"""

from __future__ import annotations

from flask import Flask, current_app

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
from core.plugins.criteria import AGGREGATES, CriteriaSet, CriteriaSetError
from core.plugins.evaluation import EvaluationContext, default_score, evaluate
from core.plugins.fields import FieldInfo, describe
from core.plugins.manager import (
    API_VERSION,
    ENTRY_POINT_GROUP,
    EXTENSION_KEY,
    PluginHost,
    PluginInfo,
    PluginLoadError,
    plugin_host,
)
from core.plugins.markers import hookimpl
from core.reports.children import ChildrenView, ChildResult

__all__ = [
    "AGGREGATES",
    "API_VERSION",
    "ChildResult",
    "ChildrenView",
    "ENTRY_POINT_GROUP",
    "CriteriaSet",
    "CriteriaSetError",
    "EvaluationContext",
    "FieldInfo",
    "PluginHost",
    "PluginInfo",
    "PluginLoadError",
    "at_least_share",
    "choice_field",
    "clamp_score",
    "count_field",
    "current_host",
    "default_score",
    "describe",
    "evaluate",
    "hookimpl",
    "init_app",
    "met",
    "met_if_none",
    "number_field",
    "plugin_host",
    "share",
    "text_field",
    "weighted_score",
    "yes_no_field",
]


def current_host() -> PluginHost:
    """The plugin host of the current app."""
    return plugin_host(current_app)


def init_app(app: Flask) -> None:
    """Load the plugins named by ``THIDUA_PLUGINS`` onto ``app``.

    Raises :class:`PluginLoadError` listing every failed plugin unless
    ``THIDUA_SKIP_FAILED_PLUGINS=1``.
    """
    # Importing these attaches their routes to the core blueprints, which the factory
    # registers right after this call.
    import core.api.criteria_sets  # noqa: F401
    import core.web.criteria_forms  # noqa: F401
    from core.plugins.cli import plugins_group

    app.cli.add_command(plugins_group)
    host = PluginHost.from_config(app.config)
    app.extensions[EXTENSION_KEY] = host
    host.load()
    host.install(app)
