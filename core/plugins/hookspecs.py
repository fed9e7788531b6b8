"""The hooks a Thi Đua plugin may implement (pluggy project ``thidua``).

Names are fixed; arguments may only grow. An implementation may accept fewer arguments than the
spec lists (pluggy passes only the ones it names), so take only what you use. Never give an
implementation's argument a default value: pluggy ignores it.
"""

from __future__ import annotations

import pluggy

PROJECT = "thidua"

hookspec = pluggy.HookspecMarker(PROJECT)


@hookspec
def thidua_criteria_sets():
    """Declare the plugin's criteria sets. Called once at start-up.

    :return: a list of :class:`core.plugins.CriteriaSet`. Every version of a set stays in the
        list so that closed periods keep reading the version they were captured under. A key
        belongs to exactly one plugin: a second plugin declaring it fails to load.
    """


@hookspec(firstresult=True)
def thidua_find_criteria_set(key, version):
    """Answer a criteria set that is not declared at start-up: one stored as data (an owner's
    table of criteria imported from Excel), looked up when a period, a report or a page names it.

    :param key: the set's key, ``"<sector>.<name>"``.
    :param version: the version wanted, or ``None`` for the latest.
    :return: the :class:`CriteriaSet`, or ``None`` when the plugin does not know the key or the
        version. The first non-``None`` answer wins. A version once answered must never change:
        the host keeps what it is given (a new table is a new version).
    """


@hookspec
def thidua_criteria_set_reach(criteria_set, tenant):
    """Whether a period owned by ``tenant`` may enable ``criteria_set``.

    :param criteria_set: the :class:`CriteriaSet` an admin is enabling.
    :param tenant: the :class:`Tenant` owning the period.
    :return: ``False`` to refuse (the admin is told the set does not exist, so a unit never
        learns of another's set), ``True`` or ``None`` otherwise. Every implementation is asked;
        one ``False`` refuses.
    """


@hookspec
def thidua_criteria_set_applies(criteria_set, tenant):
    """Whether ``tenant``, of a kind the period enabled ``criteria_set`` for, fills it: a set may
    reach only chosen units or a cluster's members.

    :param criteria_set: the :class:`CriteriaSet` a period enables.
    :param tenant: the :class:`Tenant` reporting.
    :return: ``False`` to leave the set out of the unit's report, ``True`` or ``None`` otherwise.
        Every implementation is asked; one ``False`` leaves it out.
    """


@hookspec(firstresult=True)
def thidua_score(criteria_set, data, context):
    """Score validated values of a criteria set that has no ``score`` callable of its own.

    :param criteria_set: the :class:`CriteriaSet` being scored.
    :param data: the values after schema validation (a dict field → value).
    :param context: the :class:`core.plugins.EvaluationContext` (tenant, period, previous values).
    :return: the points (a number), or ``None`` to leave the set to the next implementation.
        The first non-``None`` answer wins; the core's default scorer runs last and sums the
        fields' ``points`` metadata.
    """


@hookspec
def thidua_validate(criteria_set, data, context):
    """Add checks that span fields or periods (e.g. a count lower than last year's).

    Runs after the schema and the set's own ``validate`` callable accepted the values, for every
    criteria set, so check ``criteria_set.key`` first.

    :param criteria_set: the :class:`CriteriaSet` being validated.
    :param data: the values after schema validation.
    :param context: the :class:`core.plugins.EvaluationContext`.
    :return: ``None`` or a dict field → message or list of messages (Vietnamese). An exception
        is logged with the plugin's name and the other plugins still run.
    """


@hookspec
def thidua_award_rules():
    """Declare commendation eligibility rules. Called once at start-up.

    :return: a list of rule objects, each with ``key`` (prefixed with the plugin's sector),
        ``label``, optionally ``awards`` (award type keys) and ``subjects``, and ``check(subject)``
        answering True, False or None (:mod:`core.awards.eligibility` reads them; the shape is in
        ``docs/plugins.md``).
    """


@hookspec
def thidua_blueprints():
    """Add web pages. Called once at start-up.

    :return: a list of :class:`flask.Blueprint`. Each blueprint's name must start with
        ``plugin_`` so it cannot collide with the core's; register routes under a URL prefix of
        your own.
    """


@hookspec
def thidua_cli_commands():
    """Add ``thidua`` sub-commands. Called once at start-up.

    :return: a list of :class:`click.Command` (or groups); their names must not clash with the
        core's commands.
    """


@hookspec
def thidua_dashboard_panels(period, scope):
    """Offer panels for a dashboard.

    :param period: the :class:`ReportingPeriod` being shown.
    :param scope: the :class:`Tenant` whose subtree the dashboard covers.
    :return: a list of dicts ``{"key", "title", "template" or "html", "data", "priority"}``, or
        ``None``. An exception is logged with the plugin's name; the page still renders.
    """


@hookspec
def thidua_submission_event(submission, event):
    """React to a report's move through the workflow.

    :param submission: the submission that moved.
    :param event: one of ``"submitted"``, ``"returned"``, ``"approved"``, ``"reopened"``.
    :return: ``None``. An exception is logged with the plugin's name; the other plugins still
        run and the request still succeeds.
    """


@hookspec(firstresult=True)
def thidua_demo_values(criteria_set, tenant, rng):
    """Invent realistic values of a criteria set for one unit, for demo data and benchmarks.

    :param criteria_set: the :class:`CriteriaSet` to fill.
    :param tenant: the :class:`Tenant` reporting (its ``kind`` and ``attributes``).
    :param rng: a :class:`random.Random` to draw from, so that a seed gives the same data.
    :return: a dict field → value that passes the set's validation, or ``None`` when the
        plugin does not own the set. The first non-``None`` answer wins.
    """
