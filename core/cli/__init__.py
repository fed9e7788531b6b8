"""The ``thidua`` command line: the entry point's group (:mod:`core.cli.main`), the core's
commands (:mod:`core.cli.commands`) and what commands act with (:mod:`core.cli.system`).

Kept empty so that a command module importing :mod:`core.cli.system` does not pull in every
other command."""
