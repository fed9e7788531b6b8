"""A nomination dossier's attachments: the cover memo (tờ trình) and the meeting minutes (biên
bản họp hội đồng thi đua, khen thưởng), NĐ 98/2023/NĐ-CP, Art. 84–85.

The files are checked and kept as evidence files are (:mod:`core.reports.evidence`: judged by
content with ``sniff``, here against the kinds a dossier takes, :data:`DOSSIER_FILES`; bounded
by the upload limit, stored by the ``Store`` under the proposing
unit and the content's sha256). The proposing unit's head or admin attaches and removes them
while the dossier is a draft or returned; anyone who sees the dossier lists and downloads them.
Every upload and removal is a compare-and-set on the dossier's ``version`` and is audited.
"""

from __future__ import annotations

import hashlib
import uuid

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.audit.operations import record
from core.awards import operations
from core.awards.models import ATTACHMENT_KINDS, Attachment, Dossier
from core.db.types import utcnow
from core.errors import Invalid
from core.periods.models import ReportingPeriod
from core.reports import evidence
from core.users.access import Access

# What a dossier's papers may be (the page offers PDF, Word and images): a refusal speaks of the
# dossier's attachment and these kinds, not of a report's evidence.
DOSSIER_FILES = evidence.Accepts(
    (evidence.PDF, evidence.JPEG, evidence.PNG, evidence.DOCX, evidence.DOC),
    lambda: _("Tệp này là chương trình hoặc mã lệnh chạy được, không thể là tệp đính kèm của hồ sơ đề nghị "
              "khen thưởng; hệ thống không nhận tệp này dù tên tệp là gì. "),
    lambda: _("Tệp đính kèm của hồ sơ (tờ trình, biên bản họp) chỉ nhận tệp PDF, ảnh JPEG hoặc PNG, tài "
              "liệu Word (.doc, .docx)."))


def _audit(db: Session, access: Access, action: str, dossier: Dossier, item: Attachment) -> None:
    db.flush()
    record(
        db, f"award_dossier.{action}", tenant_id=dossier.tenant_id, actor_id=access.actor_id,
        actor_label=access.actor_label, object_type="award_dossier", object_id=str(dossier.id),
        changes={"attachment": str(item.id), "kind": item.kind, "filename": item.filename,
                 "size": item.size, "sha256": item.sha256}, ip=access.ip)


def _rows(db: Session, dossier: Dossier) -> list[Attachment]:
    return list(db.scalars(select(Attachment).where(Attachment.tenant_id == dossier.tenant_id,
                                                    Attachment.dossier_id == dossier.id)
                           .order_by(Attachment.kind, Attachment.uploaded_at, Attachment.id)))


def list_for(db: Session, access: Access, period: ReportingPeriod,
             dossier_id: uuid.UUID | str) -> list[Attachment]:
    """The dossier's files, memo first then minutes, oldest first.

    :raises NotFound: the caller does not see the dossier.
    """
    with operations.reach(db, access, period) as seen:
        dossier, _unit = operations._load(db, seen, period, dossier_id)
        return _rows(db, dossier)


def get(db: Session, access: Access, period: ReportingPeriod, dossier_id: uuid.UUID | str,
        attachment_id: uuid.UUID | str) -> Attachment:
    """One file of a dossier the caller sees.

    :raises NotFound: no such file, or the dossier is not the caller's to see.
    """
    with operations.reach(db, access, period) as seen:
        dossier, _unit = operations._load(db, seen, period, dossier_id)
        return _find(db, dossier, attachment_id)


def _find(db: Session, dossier: Dossier, attachment_id: uuid.UUID | str) -> Attachment:
    return operations.part_of(db, Attachment, dossier, attachment_id, _("Không tìm thấy tệp đính kèm."))


def add(db: Session, access: Access, store: evidence.Store, period: ReportingPeriod,
        dossier_id: uuid.UUID | str, kind: str, data: bytes, filename: str | None,
        version: int | None = None) -> Attachment:
    """Attach ``data`` (already bounded by :func:`core.reports.evidence.read_limited`) as the
    dossier's ``kind`` (``memo`` or ``minutes``).

    :raises NotFound: the caller does not see the dossier.
    :raises Forbidden: not the proposing unit's head or admin.
    :raises Conflict: the dossier was proposed and not returned (409).
    :raises StaleDossier: ``version`` is not the dossier's version now (409).
    :raises Invalid: an unknown ``kind``; a file of a type a dossier does not take
        (``file``, :data:`DOSSIER_FILES`).
    """
    with operations.reach(db, access, period) as seen:
        dossier, _unit = operations._editable(db, access, seen, period, dossier_id, version)
        if kind not in ATTACHMENT_KINDS:
            raise Invalid({"kind": [_("Loại tệp đính kèm phải là tờ trình (memo) hoặc biên bản họp "
                                      "(minutes).")]})
        content = evidence.sniff(data, DOSSIER_FILES)
        operations.claim(db, dossier)
        sha256 = hashlib.sha256(data).hexdigest()
        store.put(dossier.tenant_id, sha256, data)
        item = Attachment(tenant_id=dossier.tenant_id, id=uuid.uuid4(), dossier_id=dossier.id, kind=kind,
                          filename=evidence.display_name(filename, content),
                          content_type=content.content_type, size=len(data), sha256=sha256,
                          uploaded_by_id=access.actor_id, uploaded_at=utcnow())
        db.add(item)
        dossier.updated_at = utcnow()
        _audit(db, access, "attachment_added", dossier, item)
        return item


def remove(db: Session, access: Access, period: ReportingPeriod, dossier_id: uuid.UUID | str,
           attachment_id: uuid.UUID | str, version: int | None = None) -> Attachment:
    """Detach a file while the dossier is editable; its bytes stay until :func:`purge` runs after
    the commit.

    :raises NotFound, Forbidden, Conflict, StaleDossier: as :func:`add`.
    """
    with operations.reach(db, access, period) as seen:
        dossier, _unit = operations._editable(db, access, seen, period, dossier_id, version)
        item = _find(db, dossier, attachment_id)
        operations.claim(db, dossier)
        _audit(db, access, "attachment_removed", dossier, item)
        db.delete(item)
        dossier.updated_at = utcnow()
        db.flush()
        return item


def purge(db: Session, store: evidence.Store, tenant_id: uuid.UUID, sha256: str) -> bool:
    """Delete the stored bytes once neither a dossier's file nor a report's evidence of the unit
    refers to them (the two share the store)."""
    if db.scalar(select(Attachment.id).where(Attachment.tenant_id == tenant_id,
                                             Attachment.sha256 == sha256).limit(1)) is not None:
        return False
    return evidence.purge(db, store, tenant_id, sha256)

