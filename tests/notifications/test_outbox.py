"""The outbox: recorded when no SMTP server is configured, sent over SMTP when one is (a real
aiosmtpd server on 127.0.0.1), never twice, retried with the attempts and error recorded."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from core.jobs.backends import submit
from core.jobs.testing import drain
from core.notifications.models import (
    OUTBOX_FAILED,
    OUTBOX_PENDING,
    OUTBOX_RECORDED,
    OUTBOX_SENT,
    OutboxMessage,
)
from core.notifications.operations import notify
from core.notifications.outbox import send_pending
from core.notifications.sender import SmtpSettings
from core.reports.extensions import decide, request_extension
from core.users.access import Access

SMTP_PASSWORD = "mat-khau-smtp"


def _mail(db, world, to="a1.head@truong-a1.edu.vn", subject="Báo cáo bị trả lại") -> OutboxMessage:
    message = OutboxMessage(tenant_id=world.tenant("school-a1").id, to_address=to, subject=subject,
                            body="Lý do: thiếu minh chứng.\n\n/reports/x/y")
    db.add(message)
    db.commit()
    return message


def _send_job(app, db) -> None:
    with app.app_context():
        submit(db, "notifications.send_outbox", {})
        db.commit()
    drain(app)


def _reload(db, message) -> OutboxMessage:
    db.expire_all()
    return db.get(OutboxMessage, message.id)


class TestWithoutSmtp:
    def test_pending_mail_is_recorded_for_the_admins(self, app, db, world):
        message = _mail(db, world)
        _send_job(app, db)
        stored = _reload(db, message)
        assert stored.status == OUTBOX_RECORDED and stored.sent_at is None

    def test_cli_send_outbox_records_too(self, app, db, world):
        message = _mail(db, world)
        result = app.test_cli_runner().invoke(args=["jobs", "send-outbox"])
        assert result.exit_code == 0, result.output
        assert "'recorded': 1" in result.output
        assert _reload(db, message).status == OUTBOX_RECORDED


class TestWithSmtp:
    @pytest.fixture
    def smtp_settings(self, smtp_server) -> dict:
        port, _inbox = smtp_server
        return {"THIDUA_SMTP_HOST": "127.0.0.1", "THIDUA_SMTP_PORT": port, "THIDUA_SMTP_USER": "thidua",
                "THIDUA_SMTP_PASSWORD": SMTP_PASSWORD, "THIDUA_SMTP_FROM": "thidua@ha-noi.gov.vn",
                "THIDUA_SMTP_STARTTLS": "false", "THIDUA_BASE_URL": "https://thidua.hanoi.gov.vn/"}

    def test_pending_mail_is_sent_once(self, app, db, world, smtp_server):
        _port, inbox = smtp_server
        message = _mail(db, world)
        _send_job(app, db)
        stored = _reload(db, message)
        assert stored.status == OUTBOX_SENT and stored.attempts == 1 and stored.sent_at is not None
        assert len(inbox.messages) == 1
        recipients, mail = inbox.messages[0]
        assert recipients == ["a1.head@truong-a1.edu.vn"]
        assert mail["Subject"] == "Báo cáo bị trả lại" and mail["From"] == "thidua@ha-noi.gov.vn"
        assert "thiếu minh chứng" in mail.get_content()
        assert "https://thidua.hanoi.gov.vn/reports/x/y" in mail.get_content()  # links made absolute
        assert inbox.auth == [("thidua", SMTP_PASSWORD)]

        _send_job(app, db)  # again: a sent message is never sent twice
        with app.app_context():
            run = send_pending(db, SmtpSettings.of(app))
        assert run.sent == 0 and len(inbox.messages) == 1

    def test_a_message_left_mid_send_is_not_sent_again(self, app, db, world, smtp_server):
        from datetime import timedelta

        from core.db.types import utcnow
        from core.notifications.outbox import OUTBOX_SENDING

        _port, inbox = smtp_server
        message = _mail(db, world)
        message.status, message.attempts, message.sent_at = OUTBOX_SENDING, 1, utcnow() - timedelta(hours=1)
        db.commit()
        _send_job(app, db)
        stored = _reload(db, message)
        assert stored.status == OUTBOX_FAILED and "may have been delivered" in stored.error
        assert inbox.messages == []

    def test_decisions_reach_the_unit_in_the_app_and_by_mail(self, app, db, world, smtp_server):
        """An extension refused: notify() writes the notices and the outbox; the job mails them."""
        from datetime import timedelta

        _port, inbox = smtp_server
        world.user("a1_head").email = "a1.head@truong-a1.edu.vn"
        db.commit()
        school, period = world.tenant("school-a1"), world.period
        with app.test_request_context():
            head = Access.for_user(db, world.user("a1_head"))
            extension = request_extension(db, head, school, period, "Mất điện kéo dài",
                                          period.closes_at + timedelta(days=5))
            admin = Access.for_user(db, world.user("ward_admin"))
            decide(db, admin, school, extension.id, grant=False, note="Không đủ căn cứ")
            db.commit()
        mail = db.scalars(select(OutboxMessage)).all()
        assert [(m.to_address, m.status) for m in mail] == [("a1.head@truong-a1.edu.vn", OUTBOX_PENDING)]
        _send_job(app, db)
        assert _reload(db, mail[0]).status == OUTBOX_SENT
        recipients, sent = inbox.messages[0]
        assert sent["Subject"] == "Đề nghị gia hạn không được chấp thuận"
        assert "Không đủ căn cứ" in sent.get_content()


@pytest.mark.smtp_tls
class TestWithStarttls:
    @pytest.fixture
    def smtp_settings(self, smtp_server, tls_certificate) -> dict:
        port, _inbox = smtp_server
        return {"THIDUA_SMTP_HOST": "127.0.0.1", "THIDUA_SMTP_PORT": port, "THIDUA_SMTP_USER": "thidua",
                "THIDUA_SMTP_PASSWORD": SMTP_PASSWORD, "THIDUA_SMTP_STARTTLS": "true",
                "THIDUA_SMTP_CAFILE": str(tls_certificate[0])}

    def test_mail_goes_over_starttls_checked_against_the_ca(self, app, db, world, smtp_server):
        _port, inbox = smtp_server
        message = _mail(db, world)
        _send_job(app, db)
        assert _reload(db, message).status == OUTBOX_SENT
        assert inbox.encrypted == [True] and inbox.auth == [("thidua", SMTP_PASSWORD)]


class TestSmtpDown:
    @pytest.fixture
    def smtp_settings(self) -> dict:
        from tests.notifications.conftest import free_port

        # Nothing listens on this port: every attempt fails to connect.
        return {"THIDUA_SMTP_HOST": "127.0.0.1", "THIDUA_SMTP_PORT": free_port(),
                "THIDUA_SMTP_STARTTLS": "false", "THIDUA_OUTBOX_MAX_ATTEMPTS": 2}

    def test_failed_attempts_are_counted_then_the_message_fails(self, app, db, world):
        message = _mail(db, world)
        with app.app_context():
            first = send_pending(db, SmtpSettings.of(app), attempts_allowed=2)
        stored = _reload(db, message)
        assert first.retried == 1
        assert stored.status == OUTBOX_PENDING and stored.attempts == 1
        assert "ConnectionRefusedError" in stored.error
        _send_job(app, db)
        stored = _reload(db, message)
        assert stored.status == OUTBOX_FAILED and stored.attempts == 2


def test_notify_writes_mail_only_for_users_with_an_address(app, db, world):
    world.user("b1_reporter").email = "b1@congty-b1.vn"
    db.commit()
    with app.app_context():
        created = notify(db, world.tenant("enterprise-b1"), ("reporter", "head"), kind="test",
                         title="Thông báo thử")
        db.commit()
    assert len(created) == 1
    assert [m.to_address for m in db.scalars(select(OutboxMessage))] == ["b1@congty-b1.vn"]
