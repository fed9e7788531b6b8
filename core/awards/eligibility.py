"""Eligibility hints and quota warnings for a nomination dossier.

Neither refuses anything: the law leaves the judgement to the vetting and appraising units, so
the dossier shows, beside each nominee, what the round's results say about it, and before it is
proposed, the quotas it exceeds.

**Hints** read the unit's results for each year a rule needs (:class:`YearResult`, gathered by
:func:`core.awards.operations.history`: each year's annual period, its closed snapshot where it
has one, the live reports before it closes) and the frozen cluster rankings. ``years`` (an
award's ``requires``) is how many consecutive years, ending with the round's last year, the
classification and standard rules must hold in: e.g. the five years a five-year summary covers
(Luật Thi đua, khen thưởng 2022, Art. 25.3 and 44.2: the sơ kết or tổng kết of a movement of
five years or more). Without it, the rules read the round's own year only. Every year is judged
on its own period's bands, and a hint names each year that fails or has no result:

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

A hint is met (True), not met (False: some year fails, named in ``failing``) or unknown (None:
no year fails but some has no result, named in ``missing``; the ranking is not frozen yet; or
the rule could not judge).

**Quotas** (``AwardType.quota``; no percentage cap was confirmed in a source, so every cap is
data): ``max_collectives`` and ``max_individuals`` nominees of the award in one dossier, and
``max_share`` of the units of the proposer's subtree (the proposer included) as collectives,
rounded down. A count equal to its limit is within it; one more warns.
"""

from __future__ import annotations

import logging
import math
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _

from core.awards.models import COLLECTIVE, INDIVIDUAL, AwardType
from core.periods.bands import band_label
from core.snapshots.operations import UnitResult

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class YearResult:
    """A unit's result in one year: ``result`` None when no period of that year holds a report of
    the unit; ``bands`` that year's period's classification bands; ``frozen`` True when it was
    read from the period's closed snapshot."""

    year: int
    result: UnitResult | None
    bands: Sequence[Mapping[str, Any]] = field(default_factory=tuple)
    frozen: bool = False


@dataclass(frozen=True)
class Subject:
    """What a rule reads about one nominee.

    ``result`` is the unit's result in the round (None: no report expected or found);
    ``cluster_rank`` its best frozen rank in a cluster (None: not ranked, or not frozen yet);
    ``bands`` the period's classification bands (``[{"name", "min", "requires"}]``);
    ``history`` the unit's result in each year the award's rules need, oldest first (empty:
    the rules read ``result`` and ``bands``, the round's own year).
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
    history: Sequence[YearResult] = field(default_factory=tuple)


@dataclass(frozen=True)
class Hint:
    """One rule's answer for one nominee: ``met`` True, False or None (unknown); ``failing`` the
    years that fail the rule, ``missing`` those without a result, both oldest first."""

    rule: str
    met: bool | None
    message: str
    failing: tuple[int, ...] = ()
    missing: tuple[int, ...] = ()


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


def _years(subject: Subject) -> Sequence[YearResult | None]:
    """The years a rule judges: the history when the award needs several, else the round's own
    result (None: a year without a number, as the round has always been read)."""
    return subject.history or (None,)


def _result(subject: Subject, year: YearResult | None) -> UnitResult | None:
    return subject.result if year is None else year.result


def _year_list(years: Sequence[int]) -> str:
    return ", ".join(str(y) for y in years)


def _judged(rule: str, verdicts: Sequence[tuple[YearResult | None, bool | None, str]], *,
            met: Callable[[str], str], missing: Callable[[str], str]) -> Hint:
    """One hint from a rule's verdict on each year: (year, met, what that year shows).

    ``met(years)`` is the sentence when every year holds, ``missing(years)`` the one naming the
    years without a result; a failing year says itself why.
    """
    failing = [(y, text) for y, ok, text in verdicts if ok is False]
    unknown = [y for y, ok, _text in verdicts if ok is None]
    years_missing = tuple(y.year for y in unknown if y is not None)
    sentences = [text for _y, text in failing]
    if unknown:
        sentences.append(missing(_year_list(years_missing)) if years_missing
                         else verdicts[0][2])
    if failing:
        return Hint(rule, False, " ".join(sentences), tuple(y.year for y, _t in failing if y is not None),
                    years_missing)
    if unknown:
        return Hint(rule, None, " ".join(sentences), (), years_missing)
    years = [y.year for y, _ok, _text in verdicts if y is not None]
    if not years:
        return Hint(rule, True, verdicts[0][2])
    return Hint(rule, True, met(_year_list(years)))


def _classification_hint(rule: str, subject: Subject, wanted_of: Any) -> Hint | None:
    """``wanted_of(bands)``: the band names the rule accepts under a year's bands (empty: that
    year cannot be judged). None when no year can name what it wants."""
    verdicts = []
    wanted_any: list[str] = []
    for year in _years(subject):
        wanted = list(wanted_of(subject.bands if year is None else year.bands))
        for name in wanted:
            if name not in wanted_any:
                wanted_any.append(name)
        # Bands are named in the page's language (the period's default names are translated).
        names = ", ".join(band_label(name) for name in wanted)
        result = _result(subject, year)
        stored = None if result is None else result.classification
        band = band_label(stored)
        if not wanted or stored is None:
            verdicts.append((year, None, _("Chưa có kết quả xếp loại của đơn vị trong kỳ (cần: %(bands)s).",
                                           bands=names)))
        elif stored in wanted:
            verdicts.append((year, True, _("Đơn vị được xếp loại %(band)s.", band=band)))
        elif year is None:
            verdicts.append((year, False, _("Đơn vị được xếp loại %(band)s, chưa đạt %(bands)s.",
                                            band=band, bands=names)))
        else:
            verdicts.append((year, False, _("Năm %(year)s đơn vị được xếp loại %(band)s, chưa đạt %(bands)s.",
                                            year=year.year, band=band, bands=names)))
    if not wanted_any:
        return None
    names = ", ".join(band_label(name) for name in wanted_any)
    return _judged(rule, verdicts,
                   met=lambda years: _("Đơn vị được xếp loại %(bands)s các năm %(years)s.", bands=names,
                                       years=years),
                   missing=lambda years: _("Chưa có kết quả xếp loại của đơn vị năm %(years)s (cần: "
                                           "%(bands)s).", years=years, bands=names))


def _standard_hint(subject: Subject, standard: str) -> Hint:
    rule = f"standard:{standard}"
    label = _("An toàn về ANTT") if standard == "atantt" else standard
    verdicts = []
    for year in _years(subject):
        result = _result(subject, year)
        value = (result.outcomes or {}).get(standard) if result is not None else None
        if value is True:
            verdicts.append((year, True, _("Đạt tiêu chuẩn «%(standard)s».", standard=label)))
        elif value is False and year is None:
            verdicts.append((year, False, _("Chưa đạt tiêu chuẩn «%(standard)s».", standard=label)))
        elif value is False:
            verdicts.append((year, False, _("Năm %(year)s chưa đạt tiêu chuẩn «%(standard)s».",
                                            year=year.year, standard=label)))
        else:
            verdicts.append((year, None, _("Chưa có kết quả tiêu chuẩn «%(standard)s».", standard=label)))
    return _judged(rule, verdicts,
                   met=lambda years: _("Đạt tiêu chuẩn «%(standard)s» các năm %(years)s.", standard=label,
                                       years=years),
                   missing=lambda years: _("Chưa có kết quả tiêu chuẩn «%(standard)s» năm %(years)s.",
                                           standard=label, years=years))


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
            hint = _classification_hint("top_band", subject,
                                        lambda bands: [best] if (best := top_band(bands)) else [])
            if hint is not None:
                found.append(hint)
        if requires.get("bands"):
            listed = [str(b) for b in requires["bands"]]
            hint = _classification_hint("bands", subject, lambda _bands: listed)
            if hint is not None:
                found.append(hint)
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
