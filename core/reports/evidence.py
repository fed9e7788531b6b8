"""Evidence files (minh chứng): checked by content, stored under tenant and content hash, served
only to those who may read the report, removable only while the report is editable.

The bytes live outside the web root at ``<root>/<tenant id>/<sha256[:2]>/<sha256>``; the name the
user gave is kept for display only and never reaches the file system.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import tempfile
import unicodedata
import uuid
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from urllib.parse import quote

import filetype
from flask_babel import format_decimal
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.audit.operations import record
from core.db.types import utcnow
from core.errors import Invalid, NotFound, ThiDuaError
from core.periods.models import ReportingPeriod
from core.plugins.manager import PluginHost
from core.reports import deadlines, permissions
from core.reports.atomic import claim, conflict, expect
from core.reports.models import Evidence, Submission
from core.reports.operations import find, get_or_start, require, require_read
from core.reports.sections import enabled_for
from core.tenants.models import Tenant
from core.users.access import Access

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
MAX_NAME_LENGTH = 255
FALLBACK_NAME = "minh-chung"


@dataclass(frozen=True)
class Kind:
    """An accepted type: the content type served and the extensions its name may carry."""

    content_type: str
    extensions: tuple[str, ...]


PDF = Kind("application/pdf", ("pdf",))
JPEG = Kind("image/jpeg", ("jpg", "jpeg"))
PNG = Kind("image/png", ("png",))
DOCX = Kind("application/vnd.openxmlformats-officedocument.wordprocessingml.document", ("docx",))
XLSX = Kind("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ("xlsx",))
DOC = Kind("application/msword", ("doc",))
XLS = Kind("application/vnd.ms-excel", ("xls",))
TEXT = Kind("text/plain; charset=utf-8", ("txt",))

_BY_LIBRARY = {"application/pdf": PDF, "image/jpeg": JPEG, "image/png": PNG}
_EXECUTABLE_MIMES = {"application/x-msdownload", "application/x-executable", "application/x-mach-binary",
                     "application/x-shockwave-flash", "application/vnd.debian.binary-package",
                     "application/x-rpm"}
# Signatures of programs the library does not know, or knows under another name.
_EXECUTABLE_PREFIXES = (b"MZ", b"\x7fELF", b"#!", b"\xfe\xed\xfa\xce", b"\xfe\xed\xfa\xcf",
                        b"\xce\xfa\xed\xfe", b"\xcf\xfa\xed\xfe", b"\xca\xfe\xba\xbe")
_ZIP = b"PK\x03\x04"
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_CONTENT_TYPES_LIMIT = 1024 * 1024
_WORD_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
_EXCEL_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
_TEXT_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


class TooLarge(ThiDuaError):
    """The file is larger than the configured limit."""

    status = 413


def _refuse(message: str) -> Invalid:
    return Invalid({"file": [message]})


def _allowed_message() -> str:
    return _("Chỉ nhận tệp PDF, ảnh JPEG hoặc PNG, tài liệu Word (.doc, .docx), bảng tính Excel "
             "(.xls, .xlsx) hoặc văn bản thuần (UTF-8).")


def _program_message() -> str:
    return _("Tệp này là chương trình hoặc mã lệnh chạy được, không phải minh chứng; "
             "hệ thống không nhận tệp này dù tên tệp là gì. ")


@dataclass(frozen=True)
class Accepts:
    """What an upload is for: the kinds it takes, and how a refusal speaks of it. ``program`` is
    the sentence refusing a program (it names what the upload should have been), ``allowed``
    the one listing the kinds taken; both are called at refusal time, in the request's language.
    """

    kinds: tuple[Kind, ...]
    program: Callable[[], str]
    allowed: Callable[[], str]


EVIDENCE = Accepts((PDF, JPEG, PNG, DOCX, XLSX, DOC, XLS, TEXT), _program_message, _allowed_message)
"""Evidence files (minh chứng) of a report: every kind above."""


def _office_zip(data: bytes, accepts: Accepts) -> Kind:
    """A .docx or .xlsx is a zip whose [Content_Types].xml declares the main part it holds;
    any other zip (or one carrying macros) is refused."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            if "[Content_Types].xml" not in names:
                raise _refuse(_("Tệp nén này không phải tài liệu Word hay bảng tính Excel. ")
                              + accepts.allowed())
            if archive.getinfo("[Content_Types].xml").file_size > _CONTENT_TYPES_LIMIT:
                raise _refuse(_("Tệp Office này có cấu trúc không hợp lệ."))
            declared = archive.read("[Content_Types].xml").decode("utf-8", errors="replace")
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError, NotImplementedError):
        raise _refuse(_("Tệp nén bị hỏng hoặc không đọc được.")) from None
    if "macroenabled" in declared.lower() or any(n.lower().endswith("vbaproject.bin") for n in names):
        raise _refuse(_("Tệp Office có chứa macro không được chấp nhận. Hãy lưu lại dưới dạng "
                        ".docx hoặc .xlsx thông thường."))
    if "word/document.xml" in names and _WORD_MAIN in declared:
        return DOCX
    if "xl/workbook.xml" in names and _EXCEL_MAIN in declared:
        return XLSX
    raise _refuse(_("Tệp nén này không phải tài liệu Word hay bảng tính Excel. ") + accepts.allowed())


def _ole2(data: bytes, accepts: Accepts) -> Kind:
    """Word 97–2003 and Excel 97–2003 files name their main stream in the compound file's
    directory; other compound files (installers among them) do not."""
    if "WordDocument".encode("utf-16-le") in data:
        return DOC
    if "Workbook".encode("utf-16-le") in data or "Book\x00".encode("utf-16-le") in data:
        return XLS
    raise _refuse(_("Tệp này không phải tài liệu Word hay bảng tính Excel. ") + accepts.allowed())


def _plain_text(data: bytes) -> bool:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return not _TEXT_CONTROLS.search(text)


def sniff(data: bytes, accepts: Accepts = EVIDENCE) -> Kind:
    """The file's type judged by its content alone; Invalid (field ``file``) when not one that
    ``accepts`` takes (by default a report's evidence), the message speaking of that upload."""
    if not data:
        raise _refuse(_("Tệp rỗng."))
    guessed = filetype.guess(data[:8192])
    mime = guessed.mime if guessed is not None else None
    if data.startswith(_EXECUTABLE_PREFIXES) or mime in _EXECUTABLE_MIMES:
        raise _refuse(accepts.program() + accepts.allowed())
    kind = None
    if mime in _BY_LIBRARY:
        kind = _BY_LIBRARY[mime]
    elif data.startswith(_ZIP):
        kind = _office_zip(data, accepts)
    elif data.startswith(_OLE2):
        kind = _ole2(data, accepts)
    elif guessed is None and _plain_text(data.removeprefix(b"\xef\xbb\xbf")):
        kind = TEXT
    if kind is None or kind not in accepts.kinds:
        raise _refuse(_("Loại tệp này không được chấp nhận. ") + accepts.allowed())
    return kind


def display_name(raw: str | None, kind: Kind) -> str:
    """The name shown and offered on download: no directories, control or invisible characters,
    leading dots or overlong names, and an extension that matches the content."""
    name = unicodedata.normalize("NFC", raw or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    name = " ".join(name.split()).strip(" .")
    stem, dot, extension = name.rpartition(".")
    if not dot:
        stem, extension = name, ""
    if extension.lower() not in kind.extensions:
        stem, extension = name, kind.extensions[0]
    stem = stem[: MAX_NAME_LENGTH - len(extension) - 1].rstrip(" .") or FALLBACK_NAME
    return f"{stem}.{extension}"


def content_disposition(name: str) -> str:
    """``attachment`` with an ASCII fallback and the real name RFC 5987-encoded."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    ascii_name = "".join(ch for ch in ascii_name if ch.isprintable() and ch not in '"\\') or "file"
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name, safe='')}"


class Store:
    """Files under ``root/<tenant id>/<sha256[:2]>/<sha256>``, one copy per content and tenant."""

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root)

    def path(self, tenant_id: uuid.UUID, sha256: str) -> Path:
        if not re.fullmatch(r"[0-9a-f]{64}", sha256):
            raise ValueError("not a sha256 digest")
        return self.root / str(uuid.UUID(str(tenant_id))) / sha256[:2] / sha256

    def put(self, tenant_id: uuid.UUID, sha256: str, data: bytes) -> Path:
        target = self.path(tenant_id, sha256)
        if target.exists():
            return target
        target.parent.mkdir(parents=True, exist_ok=True)
        # Written aside then renamed, so a reader never sees half a file.
        handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".upload-")
        try:
            with os.fdopen(handle, "wb") as stream:
                stream.write(data)
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        return target

    def read(self, tenant_id: uuid.UUID, sha256: str) -> bytes:
        try:
            return self.path(tenant_id, sha256).read_bytes()
        except FileNotFoundError:
            raise NotFound(_("Không tìm thấy tệp minh chứng.")) from None

    def discard(self, tenant_id: uuid.UUID, sha256: str) -> None:
        self.path(tenant_id, sha256).unlink(missing_ok=True)


def readable_size(size: int) -> str:
    """A size in bytes as the reader writes it, in MB from 1 MB up and in KB below:
    ``"10 MB"``, ``"1,5 MB"`` (``"1.5 MB"`` in English), ``"1 KB"``; one decimal at most."""
    if size >= 1024 * 1024:
        return f"{format_decimal(round(size / (1024 * 1024), 1))} MB"
    return f"{format_decimal(max(round(size / 1024, 1), 0.1))} KB"


def read_limited(stream: io.RawIOBase | io.BufferedIOBase, max_bytes: int) -> bytes:
    """At most ``max_bytes`` from the upload; TooLarge beyond that."""
    data = stream.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise TooLarge(_("Tệp vượt quá dung lượng cho phép (%(size)s).", size=readable_size(max_bytes)))
    return data


def _check_criterion(db: Session, host: PluginHost, tenant: Tenant, period: ReportingPeriod,
                     criterion: str | None) -> str | None:
    criterion = (criterion or "").strip()
    if not criterion:
        return None
    key, dot, field = criterion.rpartition(".")
    for item in enabled_for(db, host, period, tenant):
        if dot and item.row.key == key and item.criteria_set is not None \
                and field in item.criteria_set.schema._declared_fields:
            return criterion
    raise Invalid({"criterion": [_("Tiêu chí phải có dạng <mã bộ tiêu chí>.<trường> và thuộc một bộ "
                                   "tiêu chí đơn vị báo cáo trong kỳ này.")]})


def _require_editable(db: Session, access: Access, tenant: Tenant, period: ReportingPeriod,
                      submission: Submission, now: datetime) -> None:
    if not submission.editable:
        raise conflict(_("Báo cáo đã gửi hoặc đã duyệt nên không thể thay đổi minh chứng."), submission)
    state = deadlines.state_at(period, now, deadlines.granted_extension(db, tenant, period))
    if not state.open:
        raise conflict(_("Kỳ báo cáo không mở để nhập số liệu."), submission)


def _audit(db: Session, access: Access, evidence: Evidence, action: str) -> None:
    # Recorded against the submission, so the report's trail still shows a file after its row
    # is gone; after the change's other writes (the audit chain's lock is taken last).
    db.flush()
    record(
        db, action, tenant_id=evidence.tenant_id, actor_id=access.actor_id,
        actor_label=access.actor_label, object_type="submission", object_id=evidence.submission_id,
        changes={"evidence": str(evidence.id), "criterion": evidence.criterion,
                 "filename": evidence.filename, "size": evidence.size, "sha256": evidence.sha256},
        ip=access.ip,
    )


def add(
    db: Session, access: Access, host: PluginHost, store: Store, tenant: Tenant, period: ReportingPeriod,
    data: bytes, filename: str | None, criterion: str | None = None, now: datetime | None = None,
    version: int | None = None,
) -> Evidence:
    """Attach a file to the unit's report (to one criterion when ``criterion`` is given).
    ``version``, when given, is the report's version the caller read: a report changed since
    answers 409 and nothing is stored."""
    require(permissions.can_fill(access, tenant), access, tenant,
             _("Chỉ cán bộ báo cáo hoặc thủ trưởng đơn vị được đính kèm minh chứng."))
    now = now or utcnow()
    submission = find(db, tenant, period)
    if submission is not None:
        _require_editable(db, access, tenant, period, submission, now)
    expect(submission, version)
    criterion = _check_criterion(db, host, tenant, period, criterion)
    kind = sniff(data)
    read = submission.version if submission is not None else 0
    if submission is None:
        submission = get_or_start(db, tenant, period)
        _require_editable(db, access, tenant, period, submission, now)
    # A file changes what the report proves: it moves the report's version like any change, so
    # a submit that checked the proofs and an upload at the same instant cannot both apply.
    claim(db, submission, read if version is None else version)
    sha256 = hashlib.sha256(data).hexdigest()
    store.put(tenant.id, sha256, data)
    evidence = Evidence(
        tenant_id=tenant.id, submission_id=submission.id, criterion=criterion,
        filename=display_name(filename, kind), content_type=kind.content_type, size=len(data),
        sha256=sha256, uploaded_by_id=access.actor_id, uploaded_at=now,
    )
    db.add(evidence)
    db.flush()
    _audit(db, access, evidence, "evidence.add")
    return evidence


def list_for(db: Session, access: Access, tenant: Tenant, period: ReportingPeriod) -> list[Evidence]:
    require_read(access, tenant)
    submission = find(db, tenant, period)
    if submission is None:
        return []
    return list(db.scalars(
        select(Evidence)
        .where(Evidence.tenant_id == tenant.id, Evidence.submission_id == submission.id)
        .order_by(Evidence.criterion, Evidence.uploaded_at, Evidence.filename)
    ))


def get(db: Session, access: Access, tenant: Tenant, period: ReportingPeriod,
        evidence_id: uuid.UUID | str) -> Evidence:
    """One file of the report, for anyone who may read it; NotFound otherwise."""
    require_read(access, tenant)
    submission = find(db, tenant, period)
    try:
        evidence_id = uuid.UUID(str(evidence_id))
    except ValueError:
        submission = None
    evidence = None if submission is None else db.scalar(
        select(Evidence).where(Evidence.tenant_id == tenant.id, Evidence.submission_id == submission.id,
                               Evidence.id == evidence_id)
    )
    if evidence is None:
        raise NotFound(_("Không tìm thấy tệp minh chứng."))
    return evidence


def remove(
    db: Session, access: Access, tenant: Tenant, period: ReportingPeriod, evidence_id: uuid.UUID | str,
    now: datetime | None = None, version: int | None = None,
) -> Evidence:
    """Detach a file while the report is editable. The bytes stay until :func:`purge` runs after
    the commit, so a failed transaction never loses a file another row still needs."""
    evidence = get(db, access, tenant, period, evidence_id)
    require(permissions.can_fill(access, tenant), access, tenant,
             _("Chỉ cán bộ báo cáo hoặc thủ trưởng đơn vị được gỡ minh chứng."))
    submission = find(db, tenant, period)
    assert submission is not None  # get() found a row of it
    _require_editable(db, access, tenant, period, submission, now or utcnow())
    claim(db, submission, version)
    db.delete(evidence)
    _audit(db, access, evidence, "evidence.remove")
    return evidence


def purge(db: Session, store: Store, tenant_id: uuid.UUID, sha256: str) -> bool:
    """Delete the stored bytes once no evidence row of the tenant refers to them any more."""
    still_used = db.scalar(
        select(Evidence.id).where(Evidence.tenant_id == tenant_id, Evidence.sha256 == sha256).limit(1)
    )
    if still_used is not None:
        return False
    store.discard(tenant_id, sha256)
    return True


def store_for(app) -> Store:
    """The app's evidence store: ``THIDUA_EVIDENCE_DIR``, else ``<instance>/evidence``."""
    root = app.config.get("THIDUA_EVIDENCE_DIR") or os.environ.get("THIDUA_EVIDENCE_DIR")
    return Store(root or Path(app.instance_path) / "evidence")


def max_bytes_for(app) -> int:
    """The size limit of one file: ``THIDUA_MAX_UPLOAD_BYTES``, the request limit otherwise."""
    configured = app.config.get("THIDUA_MAX_UPLOAD_BYTES") or app.config.get("MAX_CONTENT_LENGTH")
    return int(configured or DEFAULT_MAX_BYTES)
