"""What every page's layout needs: the locale, the user's units and filters for dates."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from urllib.parse import urlencode

from flask import current_app, g, has_request_context, request
from flask_babel import format_date, format_datetime, get_locale
from flask_login import current_user

from core.auth.context import current_access
from core.db.engine import session
from core.tenants.models import Tenant
from core.text import sentences
from core.web import blueprint, labels
from core.web.active import active_tenant, roles_here

DATETIME_PATTERN = "dd/MM/yyyy HH:mm"


@dataclass(frozen=True)
class NavLink:
    """A link other parts of the app add to the main navigation (reports, notifications, …)."""

    endpoint: str
    label: Callable[[], str] | Any  # a lazy string, or a callable for a changing label ("Thông báo (3)")
    visible: Callable[[], bool] = lambda: True
    current_prefix: str = ""  # other endpoints that mark this link current (its sub-pages)

    def text(self) -> str:
        return str(self.label() if callable(self.label) else self.label)

    def is_current(self, endpoint: str | None) -> bool:
        if not endpoint:
            return False
        if endpoint == self.endpoint:
            return True
        return bool(self.current_prefix) and endpoint.startswith(self.current_prefix)


_NAV_LINKS: list[NavLink] = []


def add_nav_link(
    endpoint: str, label: Any, visible: Callable[[], bool] | None = None, current_prefix: str = "",
) -> None:
    """Show a link to ``endpoint`` in the main navigation of signed-in users, after the core's
    own links; ``visible`` decides per request (e.g. only for reviewers). Adding the same
    endpoint twice keeps one link."""
    if any(link.endpoint == endpoint for link in _NAV_LINKS):
        return
    _NAV_LINKS.append(NavLink(endpoint, label, visible or (lambda: True), current_prefix))


def nav_links() -> list[NavLink]:
    return [link for link in _NAV_LINKS
            if link.endpoint in current_app.view_functions and link.visible()]
DATE_PATTERN = "dd/MM/yyyy"


@blueprint.app_context_processor
def layout_context() -> dict[str, Any]:
    context: dict[str, Any] = {
        "current_locale": str(get_locale() or "vi"),
        "labels": labels,
        "label": labels.label,
    }
    # Templates rendered outside a request (a document built by a job) get no user bits.
    if not has_request_context() or g.get("plain_layout") or request.path.startswith("/api/"):
        return context
    if not current_user.is_authenticated:
        return context
    tenant = active_tenant()
    homes = current_access().home_tenants()
    context.update(
        active_tenant=tenant,
        active_roles=sorted(roles_here()),
        is_admin_here="admin" in roles_here(),
        home_tenants=[session().get(Tenant, t) for t in homes] if len(homes) > 1 else [],
        nav_links=nav_links(),
    )
    return context


@blueprint.app_template_filter("sentences")
def sentences_filter(messages: Any) -> str:
    """A place's or a field's messages as one line of sentences (:func:`core.text.sentences`)."""
    return sentences(messages or ())


@blueprint.app_template_filter("when")
def when(value: datetime | None) -> str:
    """A moment as officials read it: dd/MM/yyyy HH:mm in Hanoi time."""
    return format_datetime(value, DATETIME_PATTERN) if value is not None else ""


@blueprint.app_template_filter("day")
def day(value: date | None) -> str:
    return format_date(value, DATE_PATTERN) if value is not None else ""


@blueprint.app_template_filter("localised")
def localised(item: Any, name: str) -> Any:
    """``item``'s ``name`` in the interface's language: its ``<name>_en`` in English when it has
    one (data shipped with both, such as an award type's name), else ``name`` as written."""
    def field(key: str) -> Any:
        return item.get(key) if isinstance(item, dict) else getattr(item, key, None)

    if str(get_locale() or "vi") == "en":
        return field(f"{name}_en") or field(name)
    return field(name)


@blueprint.app_template_global("lang_url")
def lang_url(code: str) -> str:
    """The current page in another language, keeping its other query parameters (a search)."""
    args = [(key, value) for key, value in request.args.items(multi=True) if key != "lang"]
    return f"{request.path}?{urlencode([*args, ('lang', code)])}"


@blueprint.app_template_global("has_endpoint")
def has_endpoint(name: str) -> bool:
    """Whether a page exists: links to pages other parts of the app add show only when they do."""
    return name in current_app.view_functions
