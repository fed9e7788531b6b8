"""The pluggy marker plugin authors decorate their hook implementations with."""

from __future__ import annotations

import pluggy

from core.plugins.hookspecs import PROJECT

hookimpl = pluggy.HookimplMarker(PROJECT)
