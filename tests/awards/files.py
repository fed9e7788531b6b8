"""Small real files for the dossiers' attachments, and attaching the cover memo."""

from __future__ import annotations

from flask import current_app

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff"


def attach_memo(session, access, period, dossier_id, data: bytes = PDF, name: str = "to-trinh.pdf"):
    """Attach a tờ trình to the dossier as its unit's head would (inside an app context)."""
    from core.awards import attachments
    from core.reports import evidence

    return attachments.add(session, access, evidence.store_for(current_app), period, dossier_id, "memo",
                           data, name)
