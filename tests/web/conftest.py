"""Helpers for the web page tests. The English catalogue is compiled here when the .mo is
missing or older than the .po, so the tests do not depend on a build step having run."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

import core
from core.db import scoping
from core.db.engine import database
from core.testing.world import World, build_world

TRANSLATIONS = Path(core.__file__).parent / "translations"


def compile_catalogues() -> None:
    for po_path in TRANSLATIONS.glob("*/LC_MESSAGES/messages.po"):
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        with po_path.open("rb") as po_file:
            catalog = read_po(po_file)
        with mo_path.open("wb") as mo_file:
            write_mo(mo_file, catalog)


@pytest.fixture(scope="session", autouse=True)
def compiled_translations() -> None:
    compile_catalogues()


@pytest.fixture
def db(app):
    """The plugin's ``db`` session without an app context held open for the whole test.

    Flask's test client reuses an app context that is already pushed, and with it ``g``: the
    request session, the caller's access and the CSRF token would then leak from one request
    (and one client) to the next, which no real browser sees.
    """
    with app.app_context():
        session = database(app).new_session()
    scoping.set_context(session, scoping.TenantContext.system_context())
    try:
        yield session
    finally:
        session.close()


@pytest.fixture
def world(app, db) -> World:
    # Built inside a short-lived app context so that the app's settings (the test password
    # hasher) apply, and released before the test's requests run.
    with app.app_context():
        return build_world(db)
