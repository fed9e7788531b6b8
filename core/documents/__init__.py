"""Official documents: the Nghị định 30/2020/NĐ-CP layout and PDF rendering.

Reports, decisions, lists and certificates are Jinja templates extending
``documents/base.html``, filled with a :class:`~core.documents.layout.DocumentHeading`, shown in
the browser as a print view and rendered to PDF by :func:`~core.documents.pdf.render_pdf` with
the vendored Liberation Serif (metric-compatible with Times New Roman, every Vietnamese letter
and tone, SIL Open Font License 1.1: ``core/static/fonts/LICENSE-OFL.txt``).

Documents are issued in Vietnamese whatever the interface language: they are the administrative
record that is signed and sent (NĐ 30/2020 Điều 8).
"""

from __future__ import annotations

from flask import Flask, url_for

from core.documents.layout import (
    DOCUMENT_TYPES,
    MOTTO,
    NATIONAL_NAME,
    DocumentHeading,
    Signature,
    date_words,
    document_number,
    place_and_date,
)
from core.documents.pdf import BASE_URL, DocumentRenderError, html_to_pdf, render_pdf

__all__ = [
    "DOCUMENT_TYPES", "MOTTO", "NATIONAL_NAME", "DocumentHeading", "DocumentRenderError", "Signature",
    "date_words", "document_asset", "document_number", "html_to_pdf", "init_app", "place_and_date",
    "render_pdf",
]


def document_asset(filename: str, for_pdf: bool = False) -> str:
    """The URL of a static file (stylesheet, font) from a document template: the app's static
    route in the browser, the renderer's own base in a PDF (see :mod:`core.documents.pdf`)."""
    if for_pdf:
        return f"{BASE_URL}static/{filename}"
    return url_for("static", filename=filename)


def init_app(app: Flask) -> None:
    """Make :func:`document_asset` available to templates."""
    app.add_template_global(document_asset)
