"""Small helpers shared by the web tests."""

from __future__ import annotations

import re
from html import unescape

from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.audit.models import AuditEntry
from core.testing.fixtures import csrf_token_from


def text_of(response) -> str:
    """The page's visible text, tags removed and entities decoded, whitespace collapsed."""
    html = response.get_data(as_text=True)
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def free_of_inline_code(html: str) -> bool:
    """No inline script or style: scripts only as files of the site (CSP ``script-src 'self'``)."""
    scripts = re.findall(r"<script\b([^>]*)>(.*?)</script>", html, flags=re.S)
    return (all('src="/static/' in tag and not body.strip() for tag, body in scripts)
            and html.count("<script") == len(scripts)
            and "style=" not in html and "<style" not in html and " onclick=" not in html)


def post_form(client: FlaskClient, page_url: str, action_url: str, data: dict, prefix: str = "",
              **kwargs):
    """Load ``page_url`` for a CSRF token, then post ``data`` to ``action_url`` (field names
    get ``prefix-`` when the page holds several forms)."""
    page = client.get(page_url)
    assert page.status_code == 200, page.status_code
    token = csrf_token_from(page.get_data(as_text=True))
    lead = f"{prefix}-" if prefix else ""
    fields = {f"{lead}{name}": value for name, value in data.items()}
    return client.post(action_url, data={**fields, f"{lead}csrf_token": token}, **kwargs)


def audit_actions(db: Session, action: str) -> list[AuditEntry]:
    db.expire_all()
    return list(db.scalars(select(AuditEntry).where(AuditEntry.action == action)))
