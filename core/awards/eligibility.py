"""Eligibility hints and quota warnings for a nomination dossier.

Neither refuses anything: the law leaves the judgement to the vetting and appraising units, so
the dossier shows, beside each nominee, what the round's results say about it, and before it is
proposed, the quotas it exceeds.

**Hints** read the round's results (:func:`core.snapshots.operations.results_for`: the closed
period's snapshot, the live reports before it closes) and the frozen cluster rankings:

* ``top_band``: the collective's classification is the period's highest band (QĐ 510's shape,
  the bands each period carries), "a collective classified at the top level in the round's year";
* ``bands``: its classification is one of the listed bands;
* ``standards``: it passed each listed standard, e.g. ``atantt`` ("An toàn về ANTT",
  TT 124/2021/TT-BCA);
* ``cluster_rank``: it ranks at most this in a cluster (Luật Thi đua, khen thưởng, Art. 25.1 and
  26: the Cờ thi đua goes to collectives leading their cụm or khối thi đua);
* the plugins' ``thidua_award_rules``: each rule object carries ``key`` (prefixed with its
  sector), ``label`` (Vietnamese), optionally ``awards`` (award type keys it applies to; every
  type when empty) and ``subjects`` (``collective``/``individual``; both when empty), and a
  ``check(subject)`` callable given a :class:`Subject` and answering True (met), False (not met)
  or None (nothing to judge from).

A hint is met (True), not met (False) or unknown (None: the unit has no result in the round, the
ranking is not frozen yet, or the rule could not judge).

**Quotas** (``AwardType.quota``; no percentage cap was confirmed in a source, so every cap is
data): ``max_collectives`` and ``max_individuals`` nominees of the award in one dossier, and
``max_share`` of the units of the proposer's subtree (the proposer included) as collectives,
rounded down. A count equal to its limit is within it; one more warns.
"""

from __future__ import annotations

import logging
import math
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _

from core.awards.models import COLLECTIVE, INDIVIDUAL, AwardType
from core.snapshots.operations import UnitResult

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Subject:
    """What a rule reads about one nominee.

    ``result`` is the unit's result in the round (None: no report expected or found);
    ``cluster_rank`` its best frozen rank in a cluster (None: not ranked, or not frozen yet);
    ``bands`` the period's classification bands (``[{"name", "min", "requires"}]``).
    """

    award_key: str
    subject: str
    unit_id: uuid.UUID
    unit_kind: str
    person_name: str = ""
    person_position: str = ""
    result: UnitResult | None = None
    cluster_rank: int | None = None
    bands: Sequence[Mapping[str, Any]] = field(default_factory=tuple)


@dataclass(frozen=True)
class Hint:
    """One rule's answer for one nominee: ``met`` True, False or None (unknown)."""

    rule: str
    met: bool | None
    message: str


@dataclass(frozen=True)
class QuotaWarning:
    """An award's cap exceeded by a dossier: ``count`` nominees against ``limit``."""

    award_key: str
    rule: str
    limit: int
    count: int
    message: str


def top_band(bands: Sequence[Mapping[str, Any]]) -> str | None:
    """The name of the band with the highest minimum (None for a period without bands)."""
    if not bands:
        return None
    return str(max(bands, key=lambda band: float(band.get("min", 0)))["name"])


def _classification_hint(rule: str, subject: Subject, wanted: Sequence[str]) -> Hint:
    names = ", ".join(wanted)
    if subject.result is None or subject.result.classification is None:
        return Hint(rule, None, _("Chưa có kết quả xếp loại của đơn vị trong kỳ (cần: %(bands)s).",
                                  bands=names))
    met = subject.result.classification in wanted
    if met:
        return Hint(rule, True, _("Đơn vị được xếp loại %(band)s.", band=subject.result.classification))
    return Hint(rule, False, _("Đơn vị được xếp loại %(band)s, chưa đạt %(bands)s.",
                               band=subject.result.classification, bands=names))


def _standard_hint(subject: Subject, standard: str) -> Hint:
    rule = f"standard:{standard}"
    label = _("An toàn về ANTT") if standard == "atantt" else standard
    value = (subject.result.outcomes or {}).get(standard) if subject.result is not None else None
    if value is True:
        return Hint(rule, True, _("Đạt tiêu chuẩn «%(standard)s».", standard=label))
    if value is False:
        return Hint(rule, False, _("Chưa đạt tiêu chuẩn «%(standard)s».", standard=label))
    return Hint(rule, None, _("Chưa có kết quả tiêu chuẩn «%(standard)s».", standard=label))


def _rank_hint(subject: Subject, best: int) -> Hint:
    if subject.cluster_rank is None:
        return Hint("cluster_rank", None, _("Chưa có xếp hạng chính thức trong cụm, khối thi đua."))
    if subject.cluster_rank <= best:
        return Hint("cluster_rank", True, _("Xếp hạng %(rank)s trong cụm, khối thi đua.",
                                            rank=subject.cluster_rank))
    return Hint("cluster_rank", False, _("Xếp hạng %(rank)s trong cụm, khối thi đua (cần hạng %(best)s "
                                         "trở lên).", rank=subject.cluster_rank, best=best))


def _applies(rule: Any, subject: Subject) -> bool:
    awards = tuple(getattr(rule, "awards", ()) or ())
    subjects = tuple(getattr(rule, "subjects", ()) or ())
    return (not awards or subject.award_key in awards) and (not subjects or subject.subject in subjects)


def _plugin_hint(rule: Any, subject: Subject) -> Hint:
    key = str(getattr(rule, "key", ""))
    label = str(getattr(rule, "label", "") or key)
    try:
        met = rule.check(subject)
    except Exception:  # a plugin's bug leaves the hint unknown, never the page broken
        log.exception("award rule %s failed", key)
        met = None
    if met is not None:
        met = bool(met)
    return Hint(key, met, label)


def hints(award: AwardType, subject: Subject, rules: Iterable[Any] = ()) -> list[Hint]:
    """Every hint for one nominee: the award's own requirements (for collectives: a unit's
    results say nothing of one person), then each plugin rule that applies to it."""
    found: list[Hint] = []
    requires = award.requires or {}
    if subject.subject == COLLECTIVE:
        if requires.get("top_band"):
            best = top_band(subject.bands)
            if best is not None:
                found.append(_classification_hint("top_band", subject, [best]))
        if requires.get("bands"):
            found.append(_classification_hint("bands", subject, [str(b) for b in requires["bands"]]))
        for standard in requires.get("standards") or ():
            found.append(_standard_hint(subject, str(standard)))
        if requires.get("cluster_rank"):
            found.append(_rank_hint(subject, int(requires["cluster_rank"])))
    for rule in rules:
        if hasattr(rule, "check") and _applies(rule, subject):
            found.append(_plugin_hint(rule, subject))
    return found


def quota_warnings(awards: Mapping[uuid.UUID, AwardType], nominees: Iterable[tuple[uuid.UUID, str]],
                   subtree_units: int) -> list[QuotaWarning]:
    """The caps a dossier exceeds.

    :param awards: the award types by id.
    :param nominees: (award type id, subject) of each nominee of the dossier.
    :param subtree_units: active units of the proposer's subtree, the proposer included.
    :return: one warning per award and cap exceeded, in the awards' order.
    """
    counts: dict[tuple[uuid.UUID, str], int] = {}
    for award_id, subject in nominees:
        counts[(award_id, subject)] = counts.get((award_id, subject), 0) + 1
    warnings: list[QuotaWarning] = []
    for award in sorted(awards.values(), key=lambda a: (a.position, a.key)):
        quota = award.quota or {}
        collectives = counts.get((award.id, COLLECTIVE), 0)
        individuals = counts.get((award.id, INDIVIDUAL), 0)
        limits = []
        if quota.get("max_collectives") is not None:
            limits.append(("max_collectives", int(quota["max_collectives"]), collectives))
        if quota.get("max_individuals") is not None:
            limits.append(("max_individuals", int(quota["max_individuals"]), individuals))
        if quota.get("max_share") is not None:
            # A small epsilon keeps 0.2 × 10 at 2 despite binary fractions.
            limits.append(("max_share", math.floor(float(quota["max_share"]) * subtree_units + 1e-9),
                           collectives))
        for rule, limit, count in limits:
            if count > limit:
                warnings.append(QuotaWarning(award.key, rule, limit, count, _quota_message(award, rule, limit,
                                                                                            count)))
    return warnings


def _quota_message(award: AwardType, rule: str, limit: int, count: int) -> str:
    if rule == "max_individuals":
        return _("%(award)s: %(count)s cá nhân được đề nghị, vượt mức tối đa %(limit)s.",
                 award=award.name, count=count, limit=limit)
    if rule == "max_share":
        return _("%(award)s: %(count)s tập thể được đề nghị, vượt tỷ lệ cho phép (tối đa %(limit)s đơn vị).",
                 award=award.name, count=count, limit=limit)
    return _("%(award)s: %(count)s tập thể được đề nghị, vượt mức tối đa %(limit)s.",
             award=award.name, count=count, limit=limit)
