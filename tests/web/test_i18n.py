"""Vietnamese first, English on request, and an English translation for every message."""

from __future__ import annotations

from pathlib import Path
from zoneinfo import ZoneInfo

from babel.messages.frontend import CommandLineInterface
from babel.messages.pofile import read_po

import core
from core.testing import REQUIRE_SOURCE, skip_unless_required
from tests.web.helpers import text_of

ROOT = Path(core.__file__).resolve().parent.parent
ENGLISH = Path(core.__file__).resolve().parent / "translations" / "en" / "LC_MESSAGES" / "messages.po"


def extract(into: Path) -> list[tuple[object, str | None]]:
    """Every msgid in core/**.py and the templates, extracted the way the catalogue is (with its
    context, for a message that has one)."""
    pot = into / "messages.pot"
    CommandLineInterface().run([
        "pybabel", "-q", "extract", "-F", str(ROOT / "babel.cfg"), "-k", "_l", "-k", "lazy_gettext",
        "--no-location", "-o", str(pot), str(ROOT),
    ])
    with pot.open("rb") as handle:
        return [(message.id, message.context) for message in read_po(handle) if message.id]


def test_every_message_has_an_english_translation(tmp_path):
    if not (ROOT / "babel.cfg").exists():
        skip_unless_required(REQUIRE_SOURCE, "babel.cfg is missing: the check runs from a source checkout")
    msgids = extract(tmp_path)
    assert len(msgids) > 100
    with ENGLISH.open("rb") as handle:
        english = read_po(handle, locale="en")

    def translated(msgid, context) -> bool:
        found = english.get(msgid, context)
        strings = found.string if found is not None else ""
        return bool(found is not None and (all(strings) if isinstance(strings, tuple) else strings)
                    and not found.fuzzy)

    untranslated = [msgid for msgid, context in msgids if not translated(msgid, context)]
    assert untranslated == [], (
        "Translate these in core/translations/en/LC_MESSAGES/messages.po: " + repr(untranslated)
    )


def test_english_placeholders_match_the_vietnamese_ones():
    with ENGLISH.open("rb") as handle:
        english = read_po(handle, locale="en")
    problems = [(message.id, [str(e) for e in errors]) for message, errors in english.check()]
    assert problems == []


def test_vietnamese_is_the_default(client_as):
    response = client_as("ward_admin").get("/")
    html = response.get_data(as_text=True)
    assert '<html lang="vi">' in html
    assert "Đăng xuất" in html and "Trang chủ" in html


def test_english_switch_shows_english_and_is_remembered(client_as):
    client = client_as("ward_admin")
    response = client.get("/?lang=en")
    text = text_of(response)
    assert '<html lang="en">' in response.get_data(as_text=True)
    assert "Sign out" in text and "Home" in text and "Your role" in text and "Administrator" in text
    assert "Đăng xuất" not in text
    # The choice sticks for the next page.
    admin = client.get("/admin/periods")
    assert "Reporting periods" in text_of(admin) and "Create reporting period" in text_of(admin)
    # And Vietnamese comes back on request.
    assert "Đăng xuất" in text_of(client.get("/?lang=vi"))


def test_english_login_page(app):
    text = text_of(app.test_client().get("/login?lang=en"))
    assert "Sign in" in text and "Username" in text and "Password" in text


def test_english_dates_keep_the_official_format(client_as, world):
    text = text_of(client_as("a1_reporter").get("/?lang=en"))
    assert "Unit deadline" in text
    due = world.period.due_at.astimezone(ZoneInfo("Asia/Ho_Chi_Minh"))
    assert due.strftime("%d/%m/%Y %H:%M") in text


def test_form_choices_follow_the_language(client_as):
    html = client_as("city_admin").get("/admin/tenants?lang=en").get_data(as_text=True)
    assert '<option value="school">School</option>' in html
    html = client_as("city_admin").get("/admin/users?lang=en").get_data(as_text=True)
    assert '<option value="reporter">Reporter</option>' in html
    html = client_as("city_admin").get("/admin/periods?lang=en").get_data(as_text=True)
    assert '<option value="annual">Annual report</option>' in html
    html = client_as("city_admin").get("/admin/periods").get_data(as_text=True)
    assert '<option value="annual">Báo cáo năm</option>' in html
