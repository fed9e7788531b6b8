"""Export settings: where files are kept and for how long (README, "Exports")."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from flask import Flask

from core.jobs.settings import setting


@dataclass(frozen=True)
class ExportSettings:
    #: The folder of finished files (``THIDUA_EXPORT_DIR``, default ``<instance>/exports``).
    folder: Path
    #: Hours a finished file is kept and offered for download (``THIDUA_EXPORT_KEEP_HOURS``).
    keep_hours: float

    @classmethod
    def of(cls, app: Flask) -> ExportSettings:
        folder = setting(app, "THIDUA_EXPORT_DIR") or os.path.join(app.instance_path, "exports")
        return cls(folder=Path(folder), keep_hours=float(setting(app, "THIDUA_EXPORT_KEEP_HOURS", 24)))
