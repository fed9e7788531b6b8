"""The figures of ``thidua bench``, each with its plain baseline from the same run.

* requests: the product served by gunicorn, driven by :mod:`core.bench.load` as a signed-in
  user (the login form, then its session cookie), beside the bare app (:mod:`core.bench.bare`)
  reading the same rows, served the same way; plus the SQL statements one such request runs,
  counted in process;
* the directory load of the city's units beside one multi-row INSERT of as many rows;
* the dashboard, the matrix as XLSX and the rollup's share of an approval
  (:mod:`core.dashboards.bench`), beside their raw SQL.

Every figure is a plain dict (``key``, ``label``, ``product``, ``baseline``, ``ratio``), so the
table and ``--json`` print the same thing. Nothing here asserts a figure.
"""

from __future__ import annotations

import http.client
import re
import threading
import urllib.parse
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from http.cookies import SimpleCookie
from typing import Any

from flask import Flask
from sqlalchemy import event

from core.bench.dataset import City, period_of
from core.bench.load import LoadResult, Target, drive, drive_paired
from core.bench.server import Served
from core.dashboards import bench as dashboard_bench
from core.db.engine import database
from core.exports import bench as exports_bench

_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


class SignInError(RuntimeError):
    """The login form did not sign the user in."""


@dataclass(frozen=True)
class Request:
    """One row of the request table: who asks what, and which bare read is its baseline."""

    key: str
    label: str
    user: str  # the role in the figures (a key of City.usernames)
    path: str
    baseline_key: str


@dataclass(frozen=True)
class Baseline:
    key: str
    label: str
    path: str


def requests_of(city: City) -> list[Request]:
    """The rows of the issue's table, in its order."""
    report = f"/api/v1/tenants/{city.school_id}/periods/{city.period_id}/report"
    return [
        Request("report_school_reporter", "GET report, the school's reporter", "school_reporter", report,
                "values"),
        Request("me_commune_reporter", "GET /me, a commune's reporter", "commune_reporter", "/api/v1/me",
                "me"),
        Request("me_city_admin", "GET /me, the city admin", "city_admin", "/api/v1/me", "me"),
        Request("report_commune_reviewer", "GET the school's report, the commune's reviewer",
                "commune_reviewer", report, "values"),
        Request("report_city_admin", "GET the school's report, the city admin", "city_admin", report,
                "values"),
        Request("tenants_city_admin", "GET /tenants?limit=20, the city admin", "city_admin",
                "/api/v1/tenants?limit=20", "units"),
        # What every signed-in request pays before it reads anything (the session's user and
        # memberships, the grants as transaction-local settings, a 100-byte answer): the floor
        # under the report reads above, against the same baseline.
        Request("signed_in_school_reporter",
                "GET /csrf-token, the school's reporter (signing in, nothing read)", "school_reporter",
                "/api/v1/csrf-token", "values"),
    ]


def baselines_of(city: City, city_path: str) -> dict[str, Baseline]:
    """The bare app's reads, one per kind of product request."""
    return {
        "values": Baseline("values", "bare Flask + SQL, one unit's values",
                           f"/values/{city.school_id}/{city.period_id}"),
        "me": Baseline("me", "bare Flask + SQL, a user and their memberships",
                       f"/users/{city.usernames['commune_reporter']}"),
        "units": Baseline("units", "bare Flask + SQL, 20 units of the subtree and their number",
                          "/units?" + urllib.parse.urlencode({"path": city_path, "limit": 20})),
    }


# --- signing in -------------------------------------------------------------------------------


def _cookies(response: http.client.HTTPResponse, jar: dict[str, str]) -> None:
    for header in response.headers.get_all("Set-Cookie") or []:
        parsed = SimpleCookie()
        parsed.load(header)
        for name, morsel in parsed.items():
            jar[name] = morsel.value


def _cookie_header(jar: dict[str, str]) -> str:
    return "; ".join(f"{name}={value}" for name, value in jar.items())


def sign_in(served: Served, username: str, password: str) -> dict[str, str]:
    """Sign in through the login form over HTTP; the headers that carry the session after it.

    :raises SignInError: the form did not answer with the redirect of a successful sign-in.
    """
    jar: dict[str, str] = {}
    connection = http.client.HTTPConnection(served.host, served.port, timeout=60)
    try:
        connection.request("GET", "/login")
        page = connection.getresponse()
        html = page.read().decode("utf-8", "replace")
        _cookies(page, jar)
        match = _CSRF.search(html)
        if match is None:
            raise SignInError(f"no CSRF token on the login page ({page.status})")
        body = urllib.parse.urlencode({"username": username, "password": password,
                                       "csrf_token": match.group(1)})
        connection.request("POST", "/login", body=body, headers={
            "Content-Type": "application/x-www-form-urlencoded", "Cookie": _cookie_header(jar)})
        answer = connection.getresponse()
        answer.read()
        _cookies(answer, jar)
        if answer.status != 302:
            raise SignInError(f"{username}: the login form answered {answer.status}")
    finally:
        connection.close()
    return {"Cookie": _cookie_header(jar), "Accept": "application/json"}


# --- queries per request, in process ------------------------------------------------------------


@contextmanager
def counting(app: Flask) -> Iterator[list[str]]:
    """The SQL statements the app's engine runs while the block runs."""
    seen: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append(statement)

    engine = database(app).engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", count)


def queries_per_request(app: Flask, city: City, requests: list[Request]) -> dict[str, int]:
    """For each request, the statements of one GET in process, signed in through the login
    form, after one GET to warm caches (what a served worker has done long before).

    Runs in a thread of its own: a request reuses an app context already pushed (the command's),
    and with it ``g``, where the signed-in user and the CSRF token of the previous client live.
    """
    found: dict[str, Any] = {}

    def run() -> None:
        try:
            found["counts"] = _queries_per_request(app, city, requests)
        except BaseException as error:  # noqa: BLE001 - raised again in the caller's thread
            found["error"] = error

    thread = threading.Thread(target=run, name="bench-queries")
    thread.start()
    thread.join()
    if "error" in found:
        raise found["error"]
    return found["counts"]


def _queries_per_request(app: Flask, city: City, requests: list[Request]) -> dict[str, int]:
    counts: dict[str, int] = {}
    clients: dict[str, Any] = {}
    for request in requests:
        client = clients.get(request.user)
        if client is None:
            client = clients[request.user] = app.test_client()
            page = client.get("/login", base_url="https://localhost")
            token = _CSRF.search(page.get_data(as_text=True))
            # Over HTTPS the CSRF check also wants a Referer of the same site.
            response = client.post("/login", base_url="https://localhost",
                                   headers={"Referer": "https://localhost/login"}, data={
                "username": city.usernames[request.user], "password": city.password,
                "csrf_token": token.group(1) if token else ""})
            if response.status_code != 302:
                raise SignInError(f"{request.user}: the login form answered {response.status_code}")
        client.get(request.path, base_url="https://localhost")
        with counting(app) as seen:
            response = client.get(request.path, base_url="https://localhost")
        if response.status_code != 200:
            raise RuntimeError(f"{request.key}: {request.path} answered {response.status_code}")
        counts[request.key] = len(seen)
    return counts


# --- the rows ---------------------------------------------------------------------------------


def _load(result: LoadResult) -> dict[str, Any]:
    return asdict(result)


def _ratio(product: float, baseline: float) -> float | None:
    """product ÷ baseline to three significant digits (a ratio of 0.003 must not read 0)."""
    return float(f"{product / baseline:.3g}") if baseline else None


def request_figures(product: Served, bare: Served, city: City, city_path: str, *, seconds: float,
                    clients: int, queries: dict[str, int],
                    progress: Callable[[str], None] = lambda _line: None) -> list[dict[str, Any]]:
    """Drive each baseline for ``seconds`` (the table's first rows), then every request of the
    table for ``seconds`` with its baseline around it for as long (:func:`drive_paired`)."""
    requests = requests_of(city)
    baselines = baselines_of(city, city_path)
    measured: dict[str, LoadResult] = {}
    for key, baseline in baselines.items():
        progress(f"baseline: {baseline.label}")
        measured[key] = drive(bare.host, bare.port, baseline.path, seconds=seconds, clients=clients)
        progress(f"  {measured[key].per_second} req/s, median {measured[key].median_ms} ms")
    headers = {role: sign_in(product, username, city.password) for role, username in city.usernames.items()}
    figures = [{
        "key": "bare_values", "label": baselines["values"].label, "kind": "requests",
        "product": _load(measured["values"]), "baseline": None, "ratio": None,
    }]
    for request in requests:
        progress(request.label)
        # Its own baseline, driven around it: the ratio compares the two at the same moment.
        result, baseline = drive_paired(
            Target(product.host, product.port, request.path, headers[request.user]),
            Target(bare.host, bare.port, baselines[request.baseline_key].path),
            seconds=seconds, clients=clients)
        progress(f"  {result.per_second} req/s, median {result.median_ms} ms, p95 {result.p95_ms} ms, "
                 f"{result.errors} errors (baseline {baseline.per_second} req/s, {baseline.median_ms} ms)")
        figures.append({
            "key": request.key, "label": request.label, "kind": "requests",
            "product": {**_load(result), "queries": queries.get(request.key)},
            "baseline": {"label": baselines[request.baseline_key].label, **_load(baseline)},
            "ratio": {"per_second": _ratio(result.per_second, baseline.per_second),
                      "median": _ratio(result.median_ms, baseline.median_ms)},
        })
    return figures


def load_figure(city: City) -> dict[str, Any]:
    """The directory load of the city's units beside one multi-row INSERT of as many rows."""
    return {
        "key": "load_units", "label": f"thidua tenants load, {city.units:,} units", "kind": "seconds",
        "product": {"seconds": round(city.load_seconds, 2)},
        "baseline": {"label": "one multi-row INSERT of as many rows",
                     "seconds": round(city.plain_insert_seconds, 2)},
        "ratio": {"seconds": _ratio(city.load_seconds, city.plain_insert_seconds)},
    }


def _from_dashboards(key: str, label: str, baseline_label: str, found: dict[str, Any]) -> dict[str, Any]:
    product = {name: value for name, value in found.items() if name not in ("figure", "baseline_ms")}
    return {
        "key": key, "label": label, "kind": "milliseconds", "product": product,
        "baseline": {"label": baseline_label, "median_ms": found.get("baseline_ms")},
        "ratio": {"median": _ratio(found.get("product_ms") or 0, found.get("baseline_ms") or 0)},
    }


def aggregate_figures(app: Flask, city: City, *, repeat: int,
                      progress: Callable[[str], None] = lambda _line: None) -> list[dict[str, Any]]:
    """The dashboard, the matrix as XLSX (both as the city admin) and the rollup's cost per
    approval, from :mod:`core.dashboards.bench`; the city report as XLSX and PDF, from
    :mod:`core.exports.bench`."""
    period = period_of(app, city)
    admin = city.usernames["city_admin"]
    progress("city dashboard")
    dashboard = dashboard_bench.dashboard_figure(app, period, username=admin, repeat=repeat)
    progress(f"  {dashboard}")
    progress("matrix as XLSX")
    matrix = dashboard_bench.matrix_xlsx_figure(app, period, username=admin, repeat=max(1, repeat // 5))
    progress(f"  {matrix}")
    progress("rollup per approval")
    rollup = dashboard_bench.rollup_cost_figure(app, period, samples=max(5, repeat * 2))
    reports: dict[str, dict[str, Any]] = {}
    for fmt in ("xlsx", "pdf"):
        progress(f"city report as {fmt.upper()}")
        reports[fmt] = exports_bench.city_report_figure(app, period, fmt, username=admin)
        progress(f"  {reports[fmt]}")
    return [
        _from_dashboards("dashboard_city", "city dashboard (in process), the city admin",
                         "raw SQL aggregate of the subtree's reports", dashboard),
        _from_dashboards("matrix_xlsx", "units × criteria matrix as XLSX, the city admin",
                         "raw SQL read of the same rows", matrix),
        _from_dashboards("rollup_per_approval", "rollup update inside one approval",
                         "the rest of the approval", rollup),
        *(_from_dashboards(f"city_report_{fmt}", f"the city's consolidated report as {fmt.upper()} "
                           f"(target {exports_bench.TARGET_MS // 1000} s)",
                           "raw SQL read of the same units", found)
          for fmt, found in reports.items()),
    ]
