"""``thidua bench`` at a tiny size: every figure of the table is printed with its baseline and
ratio, and the run leaves nothing behind. No figure's value is asserted (see docs/performance.md).
Runs on the test database's kind (SQLite, or PostgreSQL with ``THIDUA_TEST_DATABASE_URL``)."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import text

from core.bench.output import text_report
from core.db.engine import database

REQUESTS = {"report_school_reporter", "me_commune_reporter", "me_city_admin", "report_commune_reviewer",
            "report_city_admin", "tenants_city_admin", "signed_in_school_reporter"}
OTHERS = {"load_units", "dashboard_city", "matrix_xlsx", "rollup_per_approval", "city_report_xlsx",
          "city_report_pdf"}


def test_bench_prints_every_figure_beside_its_baseline_and_cleans_up(app):
    runner = app.test_cli_runner()
    with app.app_context():
        result = runner.invoke(args=["bench", "--units", "40", "--seconds", "0.5", "--repeat", "1",
                                     "--clients", "2", "--json"])
    assert result.exit_code == 0, result.output
    run = json.loads(result.stdout)
    figures = {figure["key"]: figure for figure in run["figures"]}
    assert set(figures) == REQUESTS | OTHERS | {"bare_values"}
    assert run["units"] == 40
    assert run["reports"] == 39  # every unit below the city reports
    for key in REQUESTS:
        product, baseline = figures[key]["product"], figures[key]["baseline"]
        assert product["requests"] > 0 and product["errors"] == 0, key
        assert product["queries"] > 0, key
        assert baseline["label"].startswith("bare Flask + SQL") and baseline["requests"] > 0, key
        assert set(figures[key]["ratio"]) == {"per_second", "median"}, key
        assert figures[key]["ratio"]["per_second"] is not None, key
    assert figures["bare_values"]["product"]["requests"] > 0
    for key in OTHERS:
        assert figures[key]["baseline"]["label"], key
        assert figures[key]["ratio"], key
    assert figures["dashboard_city"]["product"]["units"] == 40
    assert figures["city_report_pdf"]["product"]["pages"] >= 1
    assert figures["city_report_xlsx"]["product"]["bytes"] > 0
    # The scratch schema (PostgreSQL) or directory (SQLite) is gone.
    if database(app).engine.dialect.name == "postgresql":
        with database(app).engine.connect() as connection:
            left = connection.execute(text("SELECT count(*) FROM information_schema.schemata "
                                           "WHERE schema_name = :name"), {"name": run["scratch"]}).scalar()
        assert left == 0
    else:
        assert not Path(run["scratch"]).exists()
    # The table (the default output) is the same run printed as text.
    table = text_report(run)
    for label in ("GET report, the school's reporter", "GET /me, the city admin",
                  "GET /tenants?limit=20, the city admin", "thidua tenants load, 40 units",
                  "city dashboard", "bare Flask + SQL, one unit's values", "req/s ratio"):
        assert label in table, label
    values = "[1] bare Flask + SQL, one unit's values"
    assert values in table and "GET report, the school's reporter [1]" in table
    assert "GET /tenants?limit=20, the city admin [3]" in table


def test_ratios_are_printed_to_three_significant_digits_at_most():
    from core.bench.output import _ratio

    assert [_ratio(v) for v in (156.0, 26.6, 6.534, 0.384, 0.0451, None)] == [
        "156×", "26.6×", "6.53×", "0.38×", "0.045×", "—"]


def test_a_baseline_driven_in_two_halves_is_summed_as_one_run():
    from core.bench.load import _summary

    first, second = ([10.0, 20.0, 30.0], 1, 1.5), ([40.0], 0, 0.5)
    merged = _summary([first, second])
    assert (merged.requests, merged.errors, merged.seconds) == (4, 1, 2.0)
    assert merged.per_second == 2.0 and merged.median_ms == 25.0
    assert _summary([([], 3, 1.0)]).per_second == 0.0
