"""HTML to PDF with WeasyPrint and the vendored Liberation Serif.

The same template serves the browser's print view and the PDF: it links the stylesheet and fonts
under ``/static/``. The renderer maps those links to the app's static files and refuses every
other URL, so a document never reaches the network (an image URL typed into a narrative cannot
make the server fetch it) and never depends on the fonts of the host. Text stays text: the PDF
is searchable and its figures can be extracted back.
"""

from __future__ import annotations

import logging
import mimetypes
from pathlib import Path
from typing import Any

from flask import current_app, render_template

logger = logging.getLogger(__name__)

#: The base URL documents are rendered against; only ``/static/`` under it is ever served.
BASE_URL = "https://document.invalid/"


class DocumentRenderError(RuntimeError):
    """WeasyPrint could not lay the document out; the message names the template."""


def static_fetcher(static_folder: Path):
    """A WeasyPrint URL fetcher that serves ``BASE_URL/static/…`` from ``static_folder`` and
    raises ``ValueError`` for every other URL (WeasyPrint then leaves the resource out)."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    root = static_folder.resolve()

    class StaticFetcher(URLFetcher):
        def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
            if not url.startswith(BASE_URL + "static/"):
                raise ValueError(f"documents load only the app's static files, not {url!r}")
            relative = url[len(BASE_URL + "static/"):].split("?", 1)[0]
            path = (root / relative).resolve()
            if root not in path.parents or not path.is_file():
                raise ValueError(f"no static file {relative!r}")
            mime, _encoding = mimetypes.guess_type(path.name)
            return URLFetcherResponse(url, path.read_bytes(),
                                      {"Content-Type": mime or "application/octet-stream"})

    return StaticFetcher()


def html_to_pdf(html: str, *, full_fonts: bool = False) -> bytes:
    """Render an HTML document (A4 pages from its CSS ``@page`` rules) to PDF bytes.

    ``full_fonts`` embeds the fonts whole instead of the glyphs used: a larger file (about 1 MB
    more), made much faster for long documents, where subsetting dominates the time. Needs an
    app context (the static folder). Raises :class:`DocumentRenderError` when the layout fails.
    """
    from weasyprint import HTML

    fetcher = static_fetcher(Path(current_app.static_folder))
    try:
        return HTML(string=html, base_url=BASE_URL, url_fetcher=fetcher).write_pdf(full_fonts=full_fonts)
    except Exception as exc:  # WeasyPrint raises many kinds; the caller needs one
        logger.exception("PDF rendering failed")
        raise DocumentRenderError(str(exc)) from exc


def render_pdf(template: str, **context: Any) -> bytes:
    """Render a Jinja template (normally one extending ``documents/base.html``) to PDF bytes.

    ``context`` is passed to the template; ``for_pdf`` is set so the template can leave out what
    only a screen needs (the print button). Needs an app context.
    """
    html = render_template(template, for_pdf=True, **context)
    try:
        return html_to_pdf(html)
    except DocumentRenderError as exc:
        raise DocumentRenderError(f"{template}: {exc}") from exc
