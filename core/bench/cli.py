"""``thidua bench``: build a city in a throw-away database, serve it, measure it, drop it."""

from __future__ import annotations

import secrets
import signal
import sys
from typing import Any

import click
from flask import current_app
from flask.cli import with_appcontext

from core.bench import dataset, figures, output
from core.bench.scratch import analyze, app_on, scratch_database
from core.bench.server import ServerError, serve
from core.db.engine import migration_engine


def _terminate(signum: int, _frame: object) -> None:
    raise SystemExit(128 + signum)


def _progress(line: str) -> None:
    click.echo(f"… {line}", err=True)


@click.command("bench")
@click.option("--units", type=click.IntRange(min=10), default=10_000, show_default=True,
              help="Units of the city, the city itself included.")
@click.option("--departments", type=click.IntRange(min=1), default=None,
              help="City departments (default: 40 at 10,000 units, fewer below).")
@click.option("--schools", type=click.IntRange(min=0), default=None,
              help="Schools (default: 30 % of the units).")
@click.option("--seconds", type=click.FloatRange(min=0.2, max=120), default=5.0, show_default=True,
              help="Seconds each request row and each baseline is driven.")
@click.option("--clients", type=click.IntRange(min=1, max=64), default=4, show_default=True,
              help="Concurrent connections of the load generator.")
@click.option("--workers", type=click.IntRange(min=1, max=16), default=2, show_default=True,
              help="gunicorn sync workers of the product and of the bare app.")
@click.option("--repeat", type=click.IntRange(min=1, max=100), default=10, show_default=True,
              help="Runs of each in-process figure (dashboard; a fifth of it for the matrix).")
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
@click.option("--keep", is_flag=True, help="Keep the scratch schema (or SQLite file) and the server logs.")
@with_appcontext
def bench_command(units: int, departments: int | None, schools: int | None, seconds: float, clients: int,
                  workers: int, repeat: int, as_json: bool, keep: bool) -> None:
    """Measure the platform at city scale, each figure beside a plain baseline of the same run.

    Builds a city (Hanoi's communes and wards, departments, schools, enterprises and agencies,
    one report per unit) in a fresh schema of the configured PostgreSQL database, or a
    temporary SQLite file, serves it with gunicorn on a free loopback port beside a bare Flask +
    SQL app, drives both, and drops everything at the end. See docs/performance.md.
    """
    try:
        sizes = dataset.Sizes.for_units(units, departments=departments, schools=schools)
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--units") from None
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    # The in-process requests sign in through the login form, which needs a signing key; a
    # command-line app may have none (this one process ends with the command).
    app.config["SECRET_KEY"] = app.config.get("SECRET_KEY") or secrets.token_urlsafe(32)
    run: dict[str, Any] = {"units": units, "seconds": seconds, "clients": clients, "workers": workers}
    # A TERM (a time limit, a supervisor) unwinds like Ctrl-C, so the scratch schema is dropped
    # and the servers stopped.
    previous = signal.signal(signal.SIGTERM, _terminate)
    try:
        owner = migration_engine(app)
        owner_url = owner.url.render_as_string(hide_password=False)
        owner.dispose()
        with scratch_database(app.config["DATABASE_URL"], owner_url=owner_url, keep=keep) as scratch, \
             app_on(app, scratch.url) as db:
            run["database"] = db.engine.dialect.name
            run["scratch"] = scratch.schema or str(scratch.workdir)
            _progress(f"building {units:,} units in {scratch.schema or scratch.workdir}")
            city = dataset.build(app, sizes, scratch.workdir)
            _progress("gathering the planner's statistics (ANALYZE)")
            analyze(scratch)
            run.update(units=city.units, reports=city.reports, load_seconds=round(city.load_seconds, 2),
                       reports_seconds=round(city.reports_seconds, 2))
            _progress(f"  loaded in {city.load_seconds:.2f} s (plain INSERT "
                      f"{city.plain_insert_seconds:.2f} s); {city.reports:,} reports in "
                      f"{city.reports_seconds:.1f} s")
            requests = figures.requests_of(city)
            queries = figures.queries_per_request(app, city, requests)
            env = {"DATABASE_URL": scratch.url, "BENCH_DATABASE_URL": scratch.url,
                   "SECRET_KEY": secrets.token_urlsafe(32), "THIDUA_ENV": "production",
                   "THIDUA_LOGIN_LIMIT_PER_IP": "10000/minute", "THIDUA_EMBEDDED_WORKER": "0"}
            _progress(f"serving with gunicorn, {workers} workers each")
            with serve("core.app:create_app()", env=env, workdir=scratch.workdir, workers=workers,
                       ready_path="/login") as product, \
                 serve("core.bench.bare:app_from_environment()", env=env, workdir=scratch.workdir,
                       workers=workers, ready_path="/") as bare:
                rows = figures.request_figures(product, bare, city, dataset.city_path(app, city),
                                               seconds=seconds, clients=clients, queries=queries,
                                               progress=_progress)
            rows.append(figures.load_figure(city))
            rows += figures.aggregate_figures(app, city, repeat=repeat, progress=_progress)
            run["figures"] = rows
            if keep:
                kept = scratch.schema or scratch.workdir / "bench.db"
                _progress(f"kept: {kept}, logs in {scratch.workdir}")
    except (ServerError, figures.SignInError) as error:
        raise click.ClickException(str(error)) from None
    finally:
        signal.signal(signal.SIGTERM, previous)
    sys.stdout.flush()
    click.echo(output.json_report(run) if as_json else output.text_report(run))
