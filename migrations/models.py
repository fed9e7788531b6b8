"""The model registry: every model module of the core, imported so that ``Base.metadata`` knows
every table. It sits above the models, where the whole schema is needed: Alembic's environment
(``env.py``) and the test kit, which compare and empty every table. Models themselves never
import it."""

from __future__ import annotations

from sqlalchemy import MetaData

from core.audit import models as _audit  # noqa: F401
from core.awards import models as _awards  # noqa: F401
from core.clusters import models as _clusters  # noqa: F401
from core.criteria_defs import models as _criteria_defs  # noqa: F401
from core.db.base import Base
from core.exports import models as _exports  # noqa: F401
from core.jobs import models as _jobs  # noqa: F401
from core.notifications import models as _notifications  # noqa: F401
from core.periods import models as _periods  # noqa: F401
from core.plugins import models as _plugins  # noqa: F401
from core.reports import models as _reports  # noqa: F401
from core.rollups import models as _rollups  # noqa: F401
from core.snapshots import models as _snapshots  # noqa: F401
from core.tenants import models as _tenants  # noqa: F401
from core.users import models as _users  # noqa: F401


def target_metadata() -> MetaData:
    """``Base.metadata`` with every core table."""
    return Base.metadata
