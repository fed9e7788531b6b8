"""The bare baseline of ``thidua bench``: a tiny Flask app with plain SQL over the same database
(``BENCH_DATABASE_URL``), served by gunicorn the way the product is. No sign-in, no scoping, no
schema, no templates: what a request costs with nothing of the platform on it.

``GET /values/<tenant>/<period>`` reads one unit's report values, ``GET /users/<username>`` a
user and their memberships, ``GET /units?path=…&limit=20`` a page of a subtree and its size."""

from __future__ import annotations

import json
import os
import uuid

from flask import Flask, Response, request
from sqlalchemy import create_engine

from core.bench import sql
from core.db.engine import normalise_url


def _json(value: object) -> Response:
    return Response(json.dumps(value, default=str), mimetype="application/json")


def create_bare_app(url: str) -> Flask:
    """The baseline app on the database at ``url``."""
    app = Flask("thidua_bench_bare")
    engine = create_engine(normalise_url(url))

    @app.get("/")
    def index() -> Response:
        return _json({"ok": True})

    @app.get("/values/<tenant>/<period>")
    def values(tenant: str, period: str) -> Response:
        with engine.connect() as connection:
            rows = connection.execute(sql.UNIT_VALUES, {"tenant": uuid.UUID(tenant),
                                                        "period": uuid.UUID(period)}).all()
        return _json([list(row) for row in rows])

    @app.get("/users/<username>")
    def user(username: str) -> Response:
        with engine.connect() as connection:
            rows = connection.execute(sql.USER_MEMBERSHIPS, {"username": username}).all()
        return _json([list(row) for row in rows])

    @app.get("/units")
    def units() -> Response:
        path = request.args.get("path", "/") + "%"
        limit = int(request.args.get("limit", 20))
        with engine.connect() as connection:
            rows = connection.execute(sql.UNITS_PAGE, {"path": path, "limit": limit}).all()
            total = connection.execute(sql.UNITS_COUNT, {"path": path}).scalar()
        return _json({"items": [list(row) for row in rows], "total": total})

    return app


def app_from_environment() -> Flask:
    """What gunicorn serves: ``core.bench.bare:app_from_environment()``."""
    return create_bare_app(os.environ["BENCH_DATABASE_URL"])
