"""Choosing a unit of the admin's subtree in a form without listing the subtree: the select
offers the chosen unit and one page of the units matching an accent-free search, higher levels
first and in Vietnamese order; the page's own search form narrows it and pages through it. The
city's 10,000 units cost what a commune's ten do: a fixed number of statements."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from flask import request, url_for
from flask_babel import gettext as _

from core.db.engine import session
from core.tenants import operations as tenant_ops
from core.tenants.models import Tenant
from core.text.numbers import format_number
from core.web.forms import option

PICKER_SIZE = 30
# Far past any tree: a page number beyond it is read as the last page, not an error.
MAX_PAGE = 100_000
SEARCH_PARAM = "unit_q"
PAGE_PARAM = "unit_page"


def page_number(name: str) -> int:
    """The page asked for in the query parameter ``name``: a whole number from 1; anything else
    (missing, not a number, 0 or less) is the first page, a number past the last the last."""
    raw = request.args.get(name, "")
    if not (raw.isascii() and raw.isdigit() and len(raw) <= 6):
        return 1
    return min(max(int(raw), 1), MAX_PAGE)


def unit_label(unit: Tenant, above: str | None) -> str:
    """A unit as an option reads: its name, and the unit above it to tell apart two schools of
    the same name."""
    return f"{unit.name} · {above}" if above else unit.name


def chosen_unit(root: Tenant, value: Any) -> Tenant | None:
    """The active unit ``value`` (an id) when it lies in ``root``'s subtree; None otherwise."""
    try:
        wanted = uuid.UUID(str(value))
    except ValueError:
        return None
    unit = session().get(Tenant, wanted)
    if unit is None or not unit.active or not unit.path.startswith(root.path):
        return None
    return unit


@dataclass
class Picker:
    """The search and the page of units behind the unit selects of one page."""

    root: Tenant
    endpoint: str  # the page (GET) the picker's search and links go back to
    query: str
    found: tenant_ops.UnitPage
    # The page's other query parameters, kept by the picker's search and paging links.
    keep: dict[str, str] = field(default_factory=dict)
    # The page's own path parameters (``cluster_id`` of a cluster's page).
    path_args: dict[str, Any] = field(default_factory=dict)

    def action(self) -> str:
        """The page the picker's search form goes back to."""
        return url_for(self.endpoint, **self.path_args)

    def choices(self, selected: Tenant | None) -> list[Any]:
        """The options of a select: ``selected`` first (so that a choice survives a search that
        no longer finds it), then the page's units."""
        options = []
        if selected is not None:
            options.append(option(str(selected.id), selected.name))
        options += [option(str(unit.id), unit_label(unit, above))
                    for unit, above in self.found.items if selected is None or unit.id != selected.id]
        return options

    def url(self, page: int) -> str:
        """This page with the picker's search and ``page``."""
        args = {**self.keep, SEARCH_PARAM: self.query, PAGE_PARAM: page}
        return url_for(self.endpoint, **self.path_args,
                       **{k: v for k, v in args.items() if v}) + "#unit-picker"

    def summary(self) -> str:
        if not self.found.total:
            return _("Không có đơn vị nào khớp với “%(q)s”.", q=self.query)
        return _("Đơn vị %(first)s–%(last)s trong %(total)s, cấp trên trước.",
                 first=format_number(self.found.first), last=format_number(self.found.last),
                 total=format_number(self.found.total))


def unit_picker(root: Tenant, endpoint: str, keep: dict[str, str] | None = None,
                path_args: dict[str, Any] | None = None, include_root: bool = True) -> Picker:
    """The picker of the current request: its search (``unit_q``) and page (``unit_page``)
    among the units of ``root``'s subtree (``root`` itself left out unless ``include_root``),
    on the page ``endpoint`` (with its ``path_args``, keeping the query parameters ``keep``)."""
    query = request.args.get(SEARCH_PARAM, "").strip()
    found = tenant_ops.units_under(session(), root, q=query, page=page_number(PAGE_PARAM), size=PICKER_SIZE,
                                   include_root=include_root)
    return Picker(root, endpoint, query, found, dict(keep or {}), dict(path_args or {}))
