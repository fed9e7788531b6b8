"""The edge rules of :mod:`core.text.edge` applied to every request, before any view, hook of a
blueprint or form reads it: query parameters, form fields and path values are put in NFC, and
one holding a control character is refused with 422 naming it (the API answers its JSON error,
a page the error page). JSON bodies go through :func:`core.text.edge.load_json` where the API
reads them.

A query string longer than :data:`MAX_QUERY_BYTES`, or a path longer than
:data:`MAX_PATH_BYTES`, answers 414 (documented on every API operation), whatever server is in
front of the app.
"""

from __future__ import annotations

from flask import Flask, request
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.exceptions import RequestURITooLarge

from core.errors import Invalid
from core.text.edge import EdgeError, clean_pairs, control_message, has_control

#: Longest query string and path accepted. gunicorn's default ``limit_request_line`` (4094 bytes
#: for the whole request line) answers its own 414 before the app sees the request; these bounds
#: hold behind any server, and sit above what the app's own forms and links ever send.
MAX_QUERY_BYTES = 8192
MAX_PATH_BYTES = 2048

_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def guard() -> None:
    """Clean the request's parameters in place (NFC), or refuse it.

    :raises RequestURITooLarge: the path or the query string is too long (414).
    :raises Invalid: a parameter, form field or path value holds a control character (422).
    """
    if len(request.query_string) > MAX_QUERY_BYTES or len(request.path.encode()) > MAX_PATH_BYTES:
        raise RequestURITooLarge()
    if request.routing_exception is not None:
        return  # no route: the 404 or 405 answer comes first, as for any unknown address
    errors: dict[str, list[str]] = {}
    for name, value in (request.view_args or {}).items():
        if isinstance(value, str) and has_control(value):
            errors.setdefault(name, []).append(control_message())
    try:
        request.args = ImmutableMultiDict(clean_pairs(request.args.items(multi=True)))
    except EdgeError as error:
        errors.update(error.errors)
    if request.method not in ("GET", "HEAD") and request.mimetype in _FORM_TYPES:
        try:
            request.form = ImmutableMultiDict(clean_pairs(request.form.items(multi=True)))
        except EdgeError as error:
            errors.update(error.errors)
    # ``values`` merges args and form: computed again from the cleaned ones if read later.
    request.__dict__.pop("values", None)
    if errors:
        raise Invalid(errors)


def init_app(app: Flask) -> None:
    """Run :func:`guard` first of every ``before_request`` hook (CSRF, sign-in, blueprints)."""
    app.before_request_funcs.setdefault(None, []).insert(0, guard)
