"""Imports every model module so that ``Base.metadata`` knows every core table."""

from __future__ import annotations

from sqlalchemy import MetaData


def target_metadata() -> MetaData:
    from core.audit import models as _audit  # noqa: F401
    from core.clusters import models as _clusters  # noqa: F401
    from core.db.base import Base
    from core.jobs import models as _jobs  # noqa: F401
    from core.notifications import models as _notifications  # noqa: F401
    from core.periods import models as _periods  # noqa: F401
    from core.plugins import models as _plugins  # noqa: F401
    from core.reports import models as _reports  # noqa: F401
    from core.rollups import models as _rollups  # noqa: F401
    from core.tenants import models as _tenants  # noqa: F401
    from core.users import models as _users  # noqa: F401

    return Base.metadata
