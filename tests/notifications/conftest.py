"""Notification tests: a one-set plugin for reminders, a real SMTP server on 127.0.0.1, and a
clean Redis queue when the rq backend is in use."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from core.jobs.settings import JobSettings
from core.testing import REQUIRE_OPENSSL, skip_unless_required

FIXTURE = Path(__file__).parent / "fixtures" / "notice_plugin.py"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Inbox:
    """Messages an aiosmtpd server on 127.0.0.1 received, as ``email.message`` objects."""

    def __init__(self) -> None:
        self.messages: list = []
        self.auth: list[tuple[str, str]] = []

        self.encrypted: list[bool] = []

    async def handle_DATA(self, server, session, envelope):
        from email import message_from_bytes, policy

        message = message_from_bytes(envelope.original_content, policy=policy.default)
        self.messages.append((list(envelope.rcpt_tos), message))
        self.encrypted.append(session.ssl is not None)
        return "250 OK"


@pytest.fixture
def tls_certificate(tmp_path_factory) -> tuple[Path, Path] | None:
    """A self-signed certificate for 127.0.0.1 (``openssl``), or ``None`` without openssl."""
    import shutil
    import subprocess

    if shutil.which("openssl") is None:
        return None
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )
    return cert, key


@pytest.fixture
def smtp_server(request):
    """A real SMTP server (aiosmtpd) with AUTH on a free port; yields ``(port, inbox)``. With
    the ``smtp_tls`` marker it offers STARTTLS with ``tls_certificate`` and requires it."""
    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import AuthResult

    inbox = Inbox()
    tls = {}
    if request.node.get_closest_marker("smtp_tls"):
        import ssl

        certificate = request.getfixturevalue("tls_certificate")
        if certificate is None:
            skip_unless_required(REQUIRE_OPENSSL, "openssl is needed to make a certificate")
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(*certificate)
        tls = {"tls_context": context, "require_starttls": True}

    def authenticate(server, session, envelope, mechanism, auth_data):
        inbox.auth.append((auth_data.login.decode(), auth_data.password.decode()))
        return AuthResult(success=auth_data.password == b"mat-khau-smtp")

    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port, authenticator=authenticate,
                            auth_require_tls=False, **tls)
    controller.start()
    try:
        yield port, inbox
    finally:
        controller.stop()


def pytest_configure(config) -> None:
    config.addinivalue_line("markers", "smtp_tls: the test SMTP server requires STARTTLS")


@pytest.fixture
def thidua_config(request, install_plugin, smtp_settings):
    install_plugin("ntc", {"thidua_ntc.py": FIXTURE.read_text(encoding="utf-8")})
    return {"THIDUA_PLUGINS": "ntc", "THIDUA_JOB_BACKOFF": "0", **smtp_settings}


@pytest.fixture
def smtp_settings() -> dict:
    """No SMTP by default; tests that send mail override this fixture's value."""
    return {}


@pytest.fixture(autouse=True)
def _empty_queue(app):
    url = JobSettings.of(app).redis_url
    if url:
        from core.jobs.rq_queue import connection

        connection(url).flushdb()
    yield


@pytest.fixture
def drill_world(world, enable_criteria_sets):
    """The world with ntc.drills enabled for schools and enterprises."""
    enable_criteria_sets("ntc.drills")
    return world
