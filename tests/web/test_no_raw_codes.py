"""No page shows a stored code where a label exists: unit kinds, report states, roles, period
states and standards read as words, in Vietnamese and in English."""

from __future__ import annotations

import re
from html import unescape

import pytest

from core.web import labels

from .test_reports_kit import (  # noqa: F401 (fixtures)
    page,
    report_world_fixture,
    save,
    submitted,
    thidua_config_fixture,
)

STATUSES = ("draft", "submitted", "returned", "approved", "missing")
STANDARDS = ("atantt", "force_atantt", "safe_gate", "no_data_leak")
# Every code a label exists for. In English some are also words ("open", "School"), so there
# only the codes no English sentence holds are checked.
VIETNAMESE_CODES = (*labels.TENANT_KINDS, *labels.ROLES, *labels.PERIOD_STATES, *labels.PERIOD_KINDS,
                    *STATUSES, *STANDARDS)
ENGLISH_CODES = tuple(c for c in VIETNAMESE_CODES if "_" in c) + ("atantt",)


def visible_text(html: str) -> str:
    """The page's text as read: no scripts, styles, tags or the few marked codes (a criteria
    set's key beside its title, for admins)."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    html = re.sub(r'<small class="code">.*?</small>', " ", html, flags=re.S)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def raw_codes(text: str, codes) -> list[str]:
    # A code as a word of its own: "city_admin" (a user name) is not the role "admin".
    return sorted({c for c in codes if re.search(rf"(?<![\w.-]){re.escape(c)}(?![\w-])", text)})


PAGES = {
    "a1_reporter": lambda w: ["/", "/reports", page(w), page(w, "/evidence"), "/notifications"],
    "a1_head": lambda w: [page(w)],
    "ward_reviewer": lambda w: ["/", f"/periods/{w.period.id}/queue", page(w)],
    "city_admin": lambda w: ["/", "/admin/tenants", "/admin/users", "/admin/periods",
                             f"/periods/{w.period.id}/criteria-sets", "/dashboard"],
    "city_viewer": lambda w: ["/", "/reports"],
}


@pytest.mark.parametrize("username", sorted(PAGES))
def test_pages_show_labels_not_codes(report_world, client_as, db, username):
    submitted(client_as, db, report_world)
    client = client_as(username)
    for path in PAGES[username](report_world):
        for lang, codes in (("vi", VIETNAMESE_CODES), ("en", ENGLISH_CODES)):
            joiner = "&" if "?" in path else "?"
            response = client.get(f"{path}{joiner}lang={lang}")
            assert response.status_code == 200, (path, response.status_code)
            found = raw_codes(visible_text(response.get_data(as_text=True)), codes)
            assert found == [], f"{path} ({lang}) shows {found}"
