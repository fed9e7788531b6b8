"""The plugin host (pluggy project ``thidua``) and the public facade for plugin authors."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Load the plugins named by ``THIDUA_PLUGINS`` onto ``app``."""
