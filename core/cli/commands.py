"""The core's ``thidua`` commands, added to a click group: the ``thidua`` entry point's own group
(so that ``--help`` and ``plugins new`` need no app) and each app's ``app.cli`` (so that a plugin
command cannot take their names, and tests run them through ``app.test_cli_runner()``).

Each command that works on the app's data declares ``@with_appcontext``: the app is built when
the command runs, never to resolve it or to print its help.
"""

from __future__ import annotations

import click


def register_commands(group: click.Group) -> None:
    """Add every core command to ``group``."""
    from core.bench.cli import bench_command
    from core.db.cli import db_group
    from core.demo import demo_command
    from core.jobs.cli import jobs_group, worker_command
    from core.periods.cli import periods_group
    from core.plugins.cli import plugins_group
    from core.rollups.cli import rollups_group
    from core.tenants.cli import tenants_group
    from core.users.cli import users_group

    for command in (db_group, tenants_group, users_group, periods_group, demo_command, jobs_group,
                    worker_command, plugins_group, rollups_group, bench_command):
        group.add_command(command)
