"""Imports of one table sent together to a live server: each makes its own version or answers
409, never a server error, and the versions, the audit and the latest version agree."""

from __future__ import annotations

import http.client
import json
import threading
import uuid
from urllib.parse import urlsplit

import pytest
from sqlalchemy import func, select

from core.audit.models import AuditEntry
from core.criteria_defs.models import CriteriaDefinition, CriteriaDefinitionVersion
from core.users.access import SystemAccess
from core.users.operations import issue_token

from .kit import FIVE_LEVELS, workbook


@pytest.fixture
def thidua_config():
    return {"THIDUA_PLUGINS": "defined_criteria"}


def multipart(data: bytes, key: str) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = b""
    for name, value in (("key", key), ("title", "Tiêu chí phường A")):
        parts += (f"--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
                  ).encode()
    parts += (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"bang.xlsx\"\r\n"
              "Content-Type: application/octet-stream\r\n\r\n").encode() + data
    return parts + f"\r\n--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


def at_once(server, token: str, path: str, bodies: list[tuple[bytes, str]]) -> list[tuple[int, dict]]:
    """POST each body from its own thread, released together once every connection is open."""
    url = urlsplit(server.url)
    barrier = threading.Barrier(len(bodies))
    answers: list = [None] * len(bodies)

    def run(index: int, body: bytes, content_type: str) -> None:
        connection = http.client.HTTPConnection(url.hostname, url.port, timeout=60)
        connection.connect()
        barrier.wait(timeout=30)
        try:
            connection.request("POST", path, body=body, headers={
                "Authorization": f"Bearer {token}", "Content-Type": content_type})
            response = connection.getresponse()
            answers[index] = (response.status, json.loads(response.read() or b"{}"))
        except Exception as error:  # noqa: BLE001 — reported by the assertion below
            answers[index] = (0, {"exception": repr(error)})
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, *body)) for i, body in enumerate(bodies)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return answers


@pytest.mark.parametrize("existing", [False, True], ids=["first-import", "next-version"])
def test_imports_sent_together_each_make_a_version_or_answer_409(app, db, world, live_server, existing):
    with app.app_context():
        token = issue_token(db, SystemAccess(db=db, user=None), world.user("ward_admin"))
        db.commit()
    path = f"/api/v1/tenants/{world.tenant('ward-a').id}/criteria-sets/import"
    data = workbook(FIVE_LEVELS)
    if existing:
        assert at_once(live_server, token, path, [multipart(data, "an_ninh")])[0][0] == 201
    answers = at_once(live_server, token, path, [multipart(data, "an_ninh") for _ in range(4)])
    assert all(status in (201, 409) for status, _ in answers), answers
    won = sorted(body["version"] for status, body in answers if status == 201)
    assert won and len(won) == len(set(won))
    db.rollback()
    stored = sorted(db.scalars(select(CriteriaDefinitionVersion.version)))
    assert stored == ([1] if existing else []) + won
    assert db.scalar(select(CriteriaDefinition.latest_version)) == stored[-1]
    assert db.scalar(select(func.count()).select_from(AuditEntry)
                     .where(AuditEntry.action == "criteria_set.import")) == len(stored)
