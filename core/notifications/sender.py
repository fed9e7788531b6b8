"""Sending one e-mail over SMTP, configured by ``THIDUA_SMTP_*``."""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage

from flask import Flask

from core.jobs.settings import setting


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    user: str
    password: str
    sender: str
    starttls: bool
    # A private CA's certificate, for a mail server inside the government network.
    cafile: str | None = None
    timeout: float = 30.0

    @classmethod
    def of(cls, app: Flask) -> SmtpSettings | None:
        """``None`` when no SMTP host is configured: messages are then only recorded."""
        host = setting(app, "THIDUA_SMTP_HOST")
        if not host:
            return None
        starttls = str(setting(app, "THIDUA_SMTP_STARTTLS", "true")).strip().lower()
        return cls(
            host=str(host),
            port=int(setting(app, "THIDUA_SMTP_PORT", 587)),
            user=str(setting(app, "THIDUA_SMTP_USER", "")),
            password=str(setting(app, "THIDUA_SMTP_PASSWORD", "")),
            sender=str(setting(app, "THIDUA_SMTP_FROM", "thidua@localhost")),
            starttls=starttls in {"1", "true", "yes", "on"},
            cafile=setting(app, "THIDUA_SMTP_CAFILE"),
        )


def build(settings: SmtpSettings, to: str, subject: str, body: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = settings.sender
    message["To"] = to
    message["Subject"] = subject
    message.set_content(body, charset="utf-8")
    return message


class Connection:
    """One SMTP session for a batch of messages."""

    def __init__(self, settings: SmtpSettings) -> None:
        self.settings = settings
        self.smtp: smtplib.SMTP | None = None

    def __enter__(self) -> Connection:
        s = self.settings
        self.smtp = smtplib.SMTP(s.host, s.port, timeout=s.timeout)
        if s.starttls:
            self.smtp.starttls(context=ssl.create_default_context(cafile=s.cafile))
        if s.user:
            self.smtp.login(s.user, s.password)
        return self

    def send(self, to: str, subject: str, body: str) -> None:
        assert self.smtp is not None
        self.smtp.send_message(build(self.settings, to, subject, body))

    def __exit__(self, *exc_info) -> None:
        if self.smtp is not None:
            try:
                self.smtp.quit()
            except smtplib.SMTPException:
                self.smtp.close()
