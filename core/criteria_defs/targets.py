"""Reading the units' own targets (chỉ tiêu) of a table's ``Định lượng`` rows.

A table's owner sets a target per unit, per version of the table
(:func:`core.criteria_defs.operations.set_targets`); scoring and the cluster's leader rule read
them here, for the unit that reports. The rows belong to the owner: the unit reads only its own
targets, past the scoping (a reviewed unscoped read by set key, version and unit).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.criteria_defs.models import CriteriaDefinition, CriteriaTarget
from core.db.scoping import UNSCOPED_OPTION

UNSCOPED = {UNSCOPED_OPTION: "a unit's own targets, set by the owner of the table it fills"}


def targets_for(db: Session, set_key: str, version: int,
                unit_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, dict[str, float]]:
    """unit → {leaf field → the unit's own target} for version ``version`` of the table
    ``set_key``; units without their own targets are absent (they use the row's)."""
    ids = list(dict.fromkeys(unit_ids))
    if not ids:
        return {}
    found: dict[uuid.UUID, dict[str, float]] = {}
    for unit_id, name, target in db.execute(
        select(CriteriaTarget.unit_id, CriteriaTarget.field, CriteriaTarget.target)
        .join(CriteriaDefinition, (CriteriaDefinition.tenant_id == CriteriaTarget.tenant_id)
              & (CriteriaDefinition.id == CriteriaTarget.definition_id))
        .where(CriteriaDefinition.set_key == set_key, CriteriaTarget.version == version,
               CriteriaTarget.unit_id.in_(ids))
        .execution_options(**UNSCOPED)
    ):
        found.setdefault(unit_id, {})[name] = float(target)
    return found


def unit_targets(db: Session, set_key: str, version: int, unit_id: uuid.UUID | None) -> dict[str, float]:
    """The targets of one unit (see :func:`targets_for`); empty for no unit."""
    if unit_id is None:
        return {}
    return targets_for(db, set_key, version, [unit_id]).get(unit_id, {})
