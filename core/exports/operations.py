"""Starting exports, reading their state, downloading their file, and the narrative.

Who may do what:

* a unit's report: the unit's own people and the subtree roles (admin, reviewer, viewer) above
  it; a subtree's or the city's report, the raw values and the matrix: the subtree roles of the
  scope. Anyone else gets 404, as for a scope that does not exist.
* an export's state and file: the person who started it, and anyone who may read its scope
  (404 otherwise, never 403: a sibling learns nothing);
* the narrative: read with the report, written by the scope's admins (403 for the others who
  may read it). Every write is a compare-and-set on its version, and audited.

Starting is idempotent: asking again for the same file while one is queued or running, or while
a finished one made from the same snapshot is kept, answers the same export.
"""

from __future__ import annotations

import unicodedata
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from flask import Flask
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import Connection, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from core.audit.operations import record
from core.db.types import utcnow
from core.errors import Conflict, Forbidden, Invalid, NotFound
from core.exports.models import FORMATS, NARRATED, REPORTS, Export, Narrative
from core.exports.settings import ExportSettings
from core.jobs.backends import submit as submit_job
from core.jobs.models import FAILED, FINISHED, QUEUED, SCHEDULED, STARTED, Job
from core.periods.models import ReportingPeriod
from core.snapshots.operations import expected_kinds, results_for
from core.tenants.models import Tenant
from core.users import roles
from core.users.access import Access

TASK = "exports.run"
NARRATIVE_LIMIT = 20000
# The job's status as the API names it.
STATES = {QUEUED: "queued", SCHEDULED: "queued", STARTED: "running", FINISHED: "finished", FAILED: "failed"}
# Bare media types: Werkzeug adds "; charset=utf-8" to a text type itself (a charset given here
# would be sent twice).
MIME = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "pdf": "application/pdf", "csv": "text/csv"}
FILE_WORDS = {"unit": "bao-cao-don-vi", "subtree": "bao-cao-tong-hop", "city": "bao-cao-thanh-pho",
              "raw": "so-lieu-tho", "matrix": "ma-tran"}


def may_read(access: Access, report: str, scope: Tenant) -> bool:
    """Whether ``access`` may read ``report`` of ``scope`` (see the module docstring)."""
    held = access.roles_in(scope)
    if report == "unit":
        return bool(held)
    return bool(held & roles.SUBTREE_ROLES)


def scope_for(db: Session, access: Access, period: ReportingPeriod, report: str,
              scope_id: uuid.UUID | str | None) -> Tenant:
    """The scope named for ``report`` in ``period``.

    :raises NotFound: no such unit, the caller may not read it, or the period does not cover it.
    :raises Invalid: the unit cannot have that report (the city's report of a commune, a unit's
        report of a unit the period asks nothing of).
    """
    try:
        wanted = uuid.UUID(str(scope_id))
    except ValueError:
        raise NotFound(_("Không tìm thấy đơn vị.")) from None
    scope = db.get(Tenant, wanted)
    owner = db.get(Tenant, period.owner_tenant_id)
    if (scope is None or not scope.active or owner is None or not scope.path.startswith(owner.path)
            or not may_read(access, report, scope)):
        raise NotFound(_("Không tìm thấy đơn vị."))
    if report == "city" and scope.id != owner.id:
        raise Invalid({"scope": [_("Báo cáo toàn thành phố chỉ lập cho đơn vị quản lý kỳ báo cáo.")]})
    if report == "unit" and scope.kind not in expected_kinds(db, period.id):
        raise Invalid({"scope": [_("Kỳ báo cáo không yêu cầu đơn vị này báo cáo.")]})
    return scope


def state_of(job: Job) -> str:
    return STATES.get(job.status, job.status)


class ScopeWithdrawn(PermissionError):
    """The person who started an export may no longer read its scope when it runs."""


# Why an export failed, as its reader is told, by the exception the job ended with (its class's
# name, the first word of the traceback's last line); anything else gets the general reason.
FAILURE_REASONS = {
    "ScopeWithdrawn": _l("Người yêu cầu không còn quyền xem số liệu của đơn vị này khi tệp được tạo; "
                         "hãy tạo lại bằng tài khoản có quyền."),
    "DocumentRenderError": _l("Không dàn trang được tệp PDF; hãy chạy lại, hoặc tạo tệp XLSX."),
}
GENERAL_FAILURE = _l("Có lỗi khi tạo tệp; hãy chạy lại. Nếu vẫn lỗi, hãy báo quản trị hệ thống.")


def failure_reason(job: Job) -> str:
    """Why a failed export failed, in the reader's language: never the exception's text, which
    names the server's internals. Empty for a job that has not failed."""
    if job.status != FAILED:
        return ""
    last = job.error.strip().splitlines()[-1] if job.error.strip() else ""
    name = last.split(":", 1)[0].rsplit(".", 1)[-1].strip()
    return str(FAILURE_REASONS.get(name, GENERAL_FAILURE))


@dataclass(frozen=True)
class Started:
    export: Export
    job: Job
    created: bool


def start(db: Session, access: Access, period: ReportingPeriod, data: dict[str, Any], *,
          redis_url: str | None, now: datetime | None = None) -> Started:
    """Queue the export ``data`` asks for (``report``, ``format``, ``scope``: loaded by
    :class:`~core.exports.schemas.ExportInputSchema`), or return the identical one already
    queued, running or kept. Audited when a new one is queued.

    :raises Invalid: a format the report does not come in; see :func:`scope_for`.
    :raises NotFound: see :func:`scope_for`.
    """
    now = now or utcnow()
    report, fmt = data["report"], data["format"]
    if report not in REPORTS:
        raise Invalid({"report": [_("Loại báo cáo không hợp lệ.")]})
    if fmt not in FORMATS[report]:
        raise Invalid({"format": [_("Báo cáo này không có định dạng %(format)s.", format=fmt)]})
    scope = scope_for(db, access, period, report, data["scope"])
    snapshot = results_for(db, period).snapshot
    same = (select(Export, Job).join(Job, Job.id == Export.job_id)
            .where(Export.created_by_id == access.actor_id, Export.period_id == period.id,
                   Export.tenant_id == scope.id, Export.report == report, Export.format == fmt)
            .order_by(Export.created_at.desc()).limit(1))
    found = db.execute(same).first()
    if found is not None:
        export, job = found
        running = job.status in (QUEUED, SCHEDULED, STARTED)
        kept = (job.status == FINISHED and export.expires_at is not None and export.expires_at > now
                and snapshot is not None and export.snapshot_id == snapshot.id
                and not _narrative_since(db, export))
        if running or kept:
            return Started(export, job, False)
    # The job's unique key names the export it follows: of two identical requests at once, both
    # having read the same previous export, the second insert is refused and answers the first's.
    previous = found[0].id.hex if found is not None else "none"
    key = f"export:{access.actor_id.hex if access.actor_id else '-'}:{period.id.hex}:{scope.id.hex}:" \
          f"{report}:{fmt}:{previous}"
    export_id = uuid.uuid4()
    try:
        with db.begin_nested():
            job = submit_job(db, TASK, {"export_id": export_id, "tenant_id": scope.id}, redis_url=redis_url,
                             actor_id=access.actor_id, max_attempts=1, now=now, unique_key=key)
            export = Export(id=export_id, job_id=job.id, period_id=period.id, tenant_id=scope.id,
                            report=report, format=fmt, created_by_id=access.actor_id,
                            snapshot_id=snapshot.id if snapshot else None,
                            snapshot_version=snapshot.version if snapshot else None, created_at=now)
            db.add(export)
            db.flush()
    except IntegrityError:
        # (A refused job's id may stay in the session's list of jobs to hand to rq: handing
        # over claims the row first, and there is none.)
        winner = db.execute(select(Export, Job).join(Job, Job.id == Export.job_id)
                            .where(Job.unique_key == key)).first()
        if winner is None:
            raise
        return Started(winner[0], winner[1], False)
    record(db, "export.start", tenant_id=scope.id, actor_id=access.actor_id, actor_label=access.actor_label,
           object_type="export", object_id=export.id, ip=access.ip,
           changes={"report": [None, report], "format": [None, fmt], "job": [None, str(job.id)],
                    "snapshot": [None, snapshot.version if snapshot else None]})
    return Started(export, job, True)


def _narrative_since(db: Session, export: Export) -> bool:
    """Whether the report's narrative was saved after ``export`` was asked for: the kept file
    does not print it, so a new one is made."""
    if export.report not in NARRATED:
        return False
    changed = db.scalar(select(Narrative.updated_at).where(
        Narrative.tenant_id == export.tenant_id, Narrative.period_id == export.period_id,
        Narrative.report == export.report))
    return changed is not None and (export.created_at is None or changed >= export.created_at)


def find(db: Session, access: Access, job_id: uuid.UUID | str) -> tuple[Export, Job]:
    """The export made by job ``job_id`` and the job, for its starter or a reader of its scope.

    :raises NotFound: no such export, or the caller may read neither.
    """
    return _find(db, access, Export.job_id, job_id)


def find_export(db: Session, access: Access, export_id: uuid.UUID | str) -> tuple[Export, Job]:
    """The export ``export_id`` and its job, for its starter or a reader of its scope.

    :raises NotFound: no such export, or the caller may read neither.
    """
    return _find(db, access, Export.id, export_id)


def _find(db: Session, access: Access, column: Any, value: uuid.UUID | str) -> tuple[Export, Job]:
    try:
        wanted = uuid.UUID(str(value))
    except ValueError:
        raise NotFound(_("Không tìm thấy công việc.")) from None
    found = db.execute(select(Export, Job).join(Job, Job.id == Export.job_id)
                       .where(column == wanted)).first()
    if found is None:
        raise NotFound(_("Không tìm thấy công việc."))
    export, job = found
    scope = db.get(Tenant, export.tenant_id)
    mine = access.actor_id is not None and export.created_by_id == access.actor_id
    if not mine and (scope is None or not may_read(access, export.report, scope)):
        raise NotFound(_("Không tìm thấy công việc."))
    return export, job


def for_period(db: Session, access: Access, period: ReportingPeriod, scope: Tenant,
               limit: int = 20) -> list[tuple[Export, Job]]:
    """The latest exports of ``period`` for ``scope`` the caller may read, newest first."""
    rows = db.execute(select(Export, Job).join(Job, Job.id == Export.job_id)
                      .where(Export.period_id == period.id, Export.tenant_id == scope.id)
                      .order_by(Export.created_at.desc()).limit(limit)).all()
    return [(e, j) for e, j in rows
            if e.created_by_id == access.actor_id or may_read(access, e.report, scope)]


def file_of(app: Flask, export: Export, now: datetime | None = None) -> Path:
    """The stored file of a finished export.

    :raises NotFound: not finished, expired, or removed.
    """
    now = now or utcnow()
    if not export.stored_as or export.expires_at is None or export.expires_at <= now:
        raise NotFound(_("Tệp xuất không còn; hãy tạo lại."))
    path = ExportSettings.of(app).folder / export.stored_as
    if not path.is_file():
        raise NotFound(_("Tệp xuất không còn; hãy tạo lại."))
    return path


def file_name(period: ReportingPeriod, scope: Tenant, report: str, fmt: str) -> str:
    """``<period key>-<unit slug>-<report words>.<format>``: ASCII, safe in any header."""
    return f"{period.key}-{scope.slug}-{FILE_WORDS[report]}.{fmt}"


def forget_expired(db: Session | Connection, app: Flask, now: datetime | None = None) -> int:
    """Remove the files of exports past their time and clear their name; returns how many.
    ``db`` is a session or a connection (the export job purges on a connection of its own)."""
    now = now or utcnow()
    folder = ExportSettings.of(app).folder
    expired = db.execute(select(Export.id, Export.stored_as).where(Export.stored_as != "",
                                                                  Export.expires_at <= now)).all()
    for export_id, stored_as in expired:
        (folder / stored_as).unlink(missing_ok=True)
        db.execute(update(Export).where(Export.id == export_id).values(stored_as=""))
    return len(expired)


def keep_until(app: Flask, now: datetime) -> datetime:
    return now + timedelta(hours=ExportSettings.of(app).keep_hours)


# --- narrative -------------------------------------------------------------------------------


def narrative(db: Session, access: Access, period: ReportingPeriod, report: str,
              scope: Tenant) -> Narrative | None:
    """The narrative of ``report`` for ``scope`` (None when nobody wrote one)."""
    if report not in NARRATED:
        raise Invalid({"report": [_("Báo cáo này không có phần nhận định.")]})
    return db.scalar(select(Narrative).where(Narrative.tenant_id == scope.id,
                                             Narrative.period_id == period.id, Narrative.report == report))


def save_narrative(db: Session, access: Access, period: ReportingPeriod, report: str, scope: Tenant,
                   body: str, version: int) -> Narrative:
    """Write the narrative of ``report`` for ``scope``: a compare-and-set on ``version`` (0 for
    the first text), audited with the text before and after.

    :raises Forbidden: the caller is not an admin of the scope.
    :raises Invalid: the text is too long.
    :raises Conflict: someone saved another version since the caller read it.
    """
    if not access.is_admin_of(scope):
        raise Forbidden(_("Chỉ quản trị viên của đơn vị được sửa phần nhận định của báo cáo."))
    body = unicodedata.normalize("NFC", body or "").replace("\r\n", "\n").strip()
    if len(body) > NARRATIVE_LIMIT:
        raise Invalid({"body": [_("Phần nhận định dài quá %(limit)s ký tự.", limit=NARRATIVE_LIMIT)]})
    current = narrative(db, access, period, report, scope)
    now = utcnow()
    before = current.body if current else ""
    if current is None:
        if version != 0:
            raise Conflict(_("Phần nhận định đã được người khác sửa; hãy tải lại trang."))
        try:
            with db.begin_nested():
                db.execute(insert(Narrative).values(tenant_id=scope.id, id=uuid.uuid4(), period_id=period.id,
                                                    report=report, body=body, version=1,
                                                    updated_by_id=access.actor_id, updated_at=now))
        except IntegrityError:
            # Another first text was saved at the same moment (the unique key refused ours).
            raise Conflict(_("Phần nhận định đã được người khác sửa; hãy tải lại trang.")) from None
    else:
        changed = db.execute(
            update(Narrative).where(Narrative.tenant_id == scope.id, Narrative.id == current.id,
                                    Narrative.version == version)
            .values(body=body, version=Narrative.version + 1, updated_by_id=access.actor_id, updated_at=now)
            .execution_options(synchronize_session=False)
        ).rowcount
        if not changed:
            raise Conflict(_("Phần nhận định đã được người khác sửa; hãy tải lại trang."))
    db.expire_all()
    saved = narrative(db, access, period, report, scope)
    record(db, "export.narrative", tenant_id=scope.id, actor_id=access.actor_id,
           actor_label=access.actor_label, object_type="period", object_id=period.id, ip=access.ip,
           changes={"report": [report, report], "body": [before, body]})
    return saved
