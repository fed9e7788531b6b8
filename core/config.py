"""Configuration, read only from environment variables (and ``instance/`` for the embedded
default). See the README for every variable."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

from core.db.engine import default_sqlite_url

ENVIRONMENTS = ("production", "development", "testing")


class ConfigError(RuntimeError):
    pass


def _flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _instance_secret(instance_path: str) -> str:
    """The embedded default keeps a generated key under instance/ so restarts keep sessions."""
    path = Path(instance_path) / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY_HINT = (
    "SECRET_KEY is not set: for development run with THIDUA_ENV=development (a key is generated "
    "under instance/); in production set SECRET_KEY to a long random value"
)


def load(instance_path: str, overrides: dict[str, Any] | None = None, *,
         require_secret: bool = True) -> dict[str, Any]:
    """The app's configuration from the environment, ``overrides`` last.

    ``require_secret=False`` is for the command line: no command signs a session, so in
    production a missing ``SECRET_KEY`` leaves it ``None`` (Flask then refuses any session)
    instead of stopping; the web server's start-up keeps requiring it.

    :raises ConfigError: an unknown ``THIDUA_ENV``, or no ``SECRET_KEY`` in production when one
        is required (the message says how to get one, on one line).
    """
    overrides = dict(overrides or {})
    env = overrides.pop("ENV", None) or os.environ.get("THIDUA_ENV", "production")
    if env not in ENVIRONMENTS:
        raise ConfigError(f"THIDUA_ENV must be one of {', '.join(ENVIRONMENTS)}, not {env!r}")
    secure_default = env == "production"
    redis_url = os.environ.get("REDIS_URL") or None
    max_upload = int(os.environ.get("THIDUA_MAX_UPLOAD_BYTES", 10 * 1024 * 1024))

    secret = os.environ.get("SECRET_KEY")
    if not secret and "SECRET_KEY" not in overrides:
        if env != "production":
            secret = _instance_secret(instance_path)
        elif require_secret:
            raise ConfigError(SECRET_KEY_HINT)

    config: dict[str, Any] = {
        "THIDUA_ENV": env,
        "SECRET_KEY": secret,
        "DATABASE_URL": os.environ.get("DATABASE_URL") or default_sqlite_url(instance_path),
        # The tables' owner, for migrations; the app itself connects as DATABASE_URL's role.
        "MIGRATION_DATABASE_URL": os.environ.get("THIDUA_MIGRATION_DATABASE_URL") or None,
        "REDIS_URL": redis_url,
        "SQL_ECHO": _flag("THIDUA_SQL_ECHO"),
        "PASSWORD_HASH_FAST": env == "testing" or _flag("THIDUA_PASSWORD_HASH_FAST"),
        # Sessions and cookies (ASVS V7; research: tenancy.md §3.4)
        "SESSION_COOKIE_SECURE": _flag("THIDUA_SECURE_COOKIES", secure_default),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_NAME": "thidua_session",
        "REMEMBER_COOKIE_SECURE": _flag("THIDUA_SECURE_COOKIES", secure_default),
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "PERMANENT_SESSION_LIFETIME": int(os.environ.get("THIDUA_SESSION_SECONDS", 8 * 3600)),
        # CSRF on every form; the bearer-token API is exempt (see core.api)
        "WTF_CSRF_ENABLED": True,
        "WTF_CSRF_TIME_LIMIT": None,
        # Login throttling
        "RATELIMIT_STORAGE_URI": redis_url or "memory://",
        "RATELIMIT_KEY_PREFIX": "thidua",
        "RATELIMIT_STRATEGY": "moving-window",
        # Off: the limiter would put its per-address window on every answer of the login form,
        # over the throttle's own Retry-After, and tell a guesser how many attempts remain.
        "RATELIMIT_HEADERS_ENABLED": False,
        "LOGIN_LIMIT_PER_IP": os.environ.get("THIDUA_LOGIN_LIMIT_PER_IP", "20/minute"),
        # Failed attempts on one account from one address before each next one must wait
        # (doubling from 1 s up to LOGIN_MAX_DELAY seconds); see core.auth.throttle.
        "LOGIN_FREE_FAILURES": int(os.environ.get("THIDUA_LOGIN_FREE_FAILURES", 3)),
        "LOGIN_MAX_DELAY": float(os.environ.get("THIDUA_LOGIN_MAX_DELAY", 900)),
        # i18n: Vietnamese first
        "BABEL_DEFAULT_LOCALE": "vi",
        "BABEL_DEFAULT_TIMEZONE": "Asia/Ho_Chi_Minh",
        "LANGUAGES": ("vi", "en"),
        "THIDUA_MAX_UPLOAD_BYTES": max_upload,
        # The request carries the file plus its multipart envelope and form fields.
        "MAX_CONTENT_LENGTH": max_upload + 64 * 1024,
        "THIDUA_EVIDENCE_DIR": os.environ.get("THIDUA_EVIDENCE_DIR")
        or str(Path(instance_path) / "evidence"),
        "TRUSTED_PROXIES": int(os.environ.get("THIDUA_TRUSTED_PROXIES", 0)),
        # An uploaded Excel form is refused before it is read when it goes past these (a unit's
        # form is a few hundred rows of six columns; see core/reports/xlsx.py).
        "THIDUA_EXCEL_MAX_ROWS": int(os.environ.get("THIDUA_EXCEL_MAX_ROWS", 2_000)),
        "THIDUA_EXCEL_MAX_COLUMNS": int(os.environ.get("THIDUA_EXCEL_MAX_COLUMNS", 30)),
        "THIDUA_EXCEL_MAX_CELLS": int(os.environ.get("THIDUA_EXCEL_MAX_CELLS", 50_000)),
        "THIDUA_EXCEL_MAX_ERRORS": int(os.environ.get("THIDUA_EXCEL_MAX_ERRORS", 50)),
        "THIDUA_EXCEL_MAX_UNPACKED_BYTES": int(os.environ.get("THIDUA_EXCEL_MAX_UNPACKED_BYTES",
                                                              20 * 1024 * 1024)),
    }
    config.update(overrides)
    return config
