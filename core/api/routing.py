"""Declaring an endpoint once: its route, and what the OpenAPI document says about it."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from flask import Response, jsonify, request
from marshmallow import Schema

from core.api import blueprint
from core.api.errors import MalformedJson, MissingBody, UnsupportedMediaType
from core.db.engine import session
from core.errors import Invalid
from core.text.edge import EdgeError, load_json

# Query parameters every endpoint tolerates: the interface language switch.
IGNORED_QUERY_PARAMETERS = frozenset({"lang"})


@dataclass(frozen=True)
class Operation:
    summary: str
    tag: str
    ok_status: int = 200
    response: type[Schema] | None = None
    body: type[Schema] | None = None
    body_required: bool = True
    query: type[Schema] | None = None
    errors: tuple[int, ...] = ()
    public: bool = False
    description: str = ""


# (endpoint, HTTP method) → what the endpoint does, for the OpenAPI document.
OPERATIONS: dict[tuple[str, str], Operation] = {}
# Endpoints answering without a caller.
PUBLIC_ENDPOINTS: set[str] = set()


def route(rule: str, methods: Iterable[str], operation: Operation) -> Callable:
    """Register a view on the API blueprint and describe it for the OpenAPI document."""

    def decorator(view: Callable) -> Callable:
        method_list = list(methods)
        endpoint = f"{blueprint.name}.{view.__name__}"
        blueprint.add_url_rule(rule, view.__name__, view, methods=method_list)
        for method in method_list:
            OPERATIONS[(endpoint, method)] = operation
        if operation.public:
            PUBLIC_ENDPOINTS.add(endpoint)
        return view

    return decorator


def is_public(endpoint: str | None) -> bool:
    return endpoint in PUBLIC_ENDPOINTS


def json_body() -> Any:
    """The parsed JSON body, every string in NFC (:func:`core.text.edge.load_json`: nesting,
    NaN, Infinity, integers past 64 bits and control characters refused, naming the field).

    An empty body counts as ``{}`` where the operation's body is optional; where the document
    says it is required, it answers 400 (``missing_body``).
    """
    # A body under another type (a form, text/plain: what a cross-site form can send) is refused
    # before it is read: 415, whatever it holds. (A form's body may be parsed already, by the
    # edge checks of every form field, so its length is what tells it was sent.)
    if not request.is_json and (request.content_length or request.form or request.files):
        raise UnsupportedMediaType()
    raw = request.get_data(cache=True)
    if not raw.strip():
        operation = OPERATIONS.get((request.endpoint or "", request.method))
        if operation is not None and operation.body is not None and operation.body_required:
            raise MissingBody()
        return {}
    if not request.is_json:
        raise UnsupportedMediaType()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise MalformedJson() from None
    try:
        return load_json(text)
    except EdgeError as error:
        raise Invalid(error.errors) from None
    except (ValueError, RecursionError):
        raise MalformedJson() from None


def load_body(schema: Schema, partial: bool = False) -> dict[str, Any]:
    return schema.load(json_body(), partial=partial)


def load_query(schema: Schema) -> dict[str, Any]:
    """Query parameters through ``schema`` (already in NFC, see :mod:`core.text.requests`).

    An empty value is a value, as the document describes it: ``?q=`` searches for nothing,
    ``?parent=`` is not a UUID and answers 422 naming ``parent``.
    """
    args = {name: value for name, value in request.args.items() if name not in IGNORED_QUERY_PARAMETERS}
    return schema.load(args)


def respond(schema: Schema, obj: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    response = jsonify(schema.dump(obj))
    response.status_code = status
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def commit(*changed: Any) -> None:
    """Commit the request's work, then reload ``changed`` so that answers show stored values
    (datetimes come back in UTC whatever offset the caller sent)."""
    db = session()
    db.commit()
    for obj in changed:
        db.refresh(obj)
