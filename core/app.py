"""The application factory."""

from __future__ import annotations

import os
from typing import Any

from flask import Flask, request
from flask import session as web_session
from werkzeug.middleware.proxy_fix import ProxyFix

from core import config as config_module
from core.auth.context import load_session_user, load_token_user
from core.db.engine import Database, database
from core.extensions import babel, csrf, limiter, login_manager
from core.json_provider import OrjsonProvider
from core.plugins.manager import PluginLoadError
from core.text import requests as edge_requests

# Browser features the platform never uses are switched off for every page.
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), "
    "payment=(), usb=(), interest-cohort=()"
)
HSTS = "max-age=31536000; includeSubDomains"


def select_locale() -> str:
    """?lang= switches and is remembered in the session; Vietnamese is the default."""
    from flask import current_app, has_request_context

    if not has_request_context():
        # CLI commands and jobs speak the default language.
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    languages = current_app.config["LANGUAGES"]
    wanted = request.args.get("lang")
    if wanted in languages:
        web_session["lang"] = wanted
        return wanted
    if web_session.get("lang") in languages:
        return web_session["lang"]
    return current_app.config["BABEL_DEFAULT_LOCALE"]


# What stops start-up with a message that says what to do (no traceback needed).
StartupError = (config_module.ConfigError, PluginLoadError)


def check_startup() -> None:
    """Build the app once and let it go: what a server's master runs before starting workers.

    :raises ConfigError, PluginLoadError: see :func:`create_app`.
    """
    database(create_app()).dispose()


def create_app(overrides: dict[str, Any] | None = None, *, require_secret: bool = True) -> Flask:
    """The app: configuration, extensions, the core's blueprints and commands, then the plugins.

    ``require_secret=False`` is for the command line (see :func:`core.config.load`).

    :raises ConfigError: a configuration the app cannot start with.
    :raises PluginLoadError: plugins failed to load (unless ``THIDUA_SKIP_FAILED_PLUGINS``).
    """
    overrides = dict(overrides or {})
    instance_path = overrides.pop("INSTANCE_PATH", None) or os.environ.get("THIDUA_INSTANCE_PATH")
    app = Flask("core", instance_path=instance_path or None)
    app.config.update(config_module.load(app.instance_path, overrides, require_secret=require_secret))
    app.json = OrjsonProvider(app)
    app.json.ensure_ascii = False  # Vietnamese names travel as UTF-8, not \u escapes

    if app.config["TRUSTED_PROXIES"]:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=app.config["TRUSTED_PROXIES"],
                                x_proto=app.config["TRUSTED_PROXIES"])

    Database(app.config["DATABASE_URL"], echo=app.config["SQL_ECHO"]).init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    csrf.init_app(app)
    limiter.init_app(app)
    # Validation at the edge: parameters in NFC, control characters refused, before any hook.
    edge_requests.init_app(app)

    login_manager.init_app(app)
    login_manager.user_loader(load_session_user)
    login_manager.request_loader(load_token_user)
    login_manager.login_view = "auth.login"
    login_manager.session_protection = "basic"

    from core import documents

    documents.init_app(app)

    from core.api import blueprint as api_blueprint
    from core.auth.views import blueprint as auth_blueprint
    from core.cli.commands import register_commands
    from core.plugins.manager import load_plugins
    from core.web import blueprint as web_blueprint

    app.register_blueprint(auth_blueprint)
    app.register_blueprint(web_blueprint)
    app.register_blueprint(api_blueprint, url_prefix="/api/v1")
    csrf.exempt(api_blueprint)
    register_commands(app.cli)
    # Plugins come after the core's blueprints and commands, so that none can take their names.
    load_plugins(app)
    _add_security_headers(app)
    return app


def _add_security_headers(app: Flask) -> None:
    """Headers every answer carries (OWASP Secure Headers; ASVS 3.4, 14.3).

    Dynamic answers are never stored by a browser or a proxy (``no-store``): pages of a signed-in
    user and API answers carry a unit's data, and the login page a CSRF token. Static files keep
    their own caching. HSTS is sent only on HTTPS, as the request sees it: behind a reverse proxy
    ``X-Forwarded-Proto`` counts only from the ``THIDUA_TRUSTED_PROXIES`` hops ProxyFix trusts.
    """

    @app.after_request
    def security_headers(response):
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
            "frame-ancestors 'none'; form-action 'self'",
        )
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        if request.endpoint != "static" and "no-store" not in response.headers.get("Cache-Control", ""):
            response.headers["Cache-Control"] = "no-store"
        if request.is_secure:
            response.headers.setdefault("Strict-Transport-Security", HSTS)
        return response
