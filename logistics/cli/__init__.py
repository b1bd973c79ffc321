"""The ``logistics`` command (also ``python -m logistics``).

Subcommands (``logistics COMMAND --help`` for each; docs/cli.md for all):

=========  ===========================================  ==============================
command    does                                         module
=========  ===========================================  ==============================
validate   check a scenario and summarise it            :mod:`logistics.cli.scenario`
schema     print the scenario format's JSON Schema      :mod:`logistics.cli.scenario`
generate   write a seeded synthetic scenario            :mod:`logistics.cli.scenario`
solve      plan, print, write and verify the plan       :mod:`logistics.cli.solve`
replan     re-plan from now, keeping what has started   :mod:`logistics.cli.replan`
levers     what relaxing each binding limit buys        :mod:`logistics.cli.levers`
verify     check a plan file against every rule         :mod:`logistics.cli.verify`
prove      prove no plan does better than a given one   :mod:`logistics.cli.prove`
sweep      solve perturbed copies, print robustness     :mod:`logistics.cli.sweep`
=========  ===========================================  ==============================

``--json`` on validate, solve, replan, levers, verify, prove and sweep prints the result as JSON.
Results go to stdout; progress, warnings, errors and the library's log (``-v`` INFO,
``-vv`` DEBUG) to stderr. ``--version`` prints the version.

Exit codes: 0 success, 1 the plan breaks a rule, 2 bad input (scenario, plan, options or
files), 3 not proven (``prove``), 130 interrupted.

Adding a command
----------------
Write a module ``logistics/cli/NAME.py`` with a function ``cmd_NAME(args, out, err) ->
int`` (write results to ``out``, progress and errors to ``err``; return an exit code)
and a function ``register(sub)`` that adds the parser::

    def register(sub):
        p = sub.add_parser("NAME", help="...", description="...")
        p.add_argument(...)
        add_json(p, "what")        # from .common, if the command has JSON output
        add_verbose(p)             # from .common: -v/--verbose after the command's name
        p.set_defaults(func=cmd_NAME)

then import the module below and add it to :data:`COMMANDS` (the order of ``--help``).
:mod:`logistics.cli.common` has the exit codes, ``load`` (a scenario, its problems
reported), ``input_error``, ``write_json``, ``table`` and the option types.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from . import levers, prove, replan, scenario, solve, sweep, verify
from .common import EXIT_INPUT, EXIT_INTERRUPTED, EXIT_OK, add_verbose, command_logging, table, verbosity
from .scenario import main_legs, summary
from .solve import progress_printer

__all__ = ["COMMANDS", "build_parser", "main", "main_legs", "progress_printer", "summary", "table"]

#: the command modules, each with ``register(sub)``, in the order ``--help`` lists them
COMMANDS = (scenario, solve, replan, levers, verify, prove, sweep)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``logistics`` command."""
    from .. import __version__

    ap = argparse.ArgumentParser(
        prog="logistics",
        description="Troop-deployment airlift planner: validate scenarios, plan with CP-SAT, check plans.",
    )
    ap.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    add_verbose(ap, dest="verbose")
    sub = ap.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in COMMANDS:
        module.register(sub)
    return ap


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``logistics`` command; returns the exit code."""
    ap = build_parser()
    try:
        args = ap.parse_args(argv)
    except SystemExit as exc:  # argparse: --help or --version (0) or a usage error (2)
        return int(exc.code) if isinstance(exc.code, int) else EXIT_INPUT
    try:
        with command_logging(verbosity(args), sys.stderr):
            return int(args.func(args, sys.stdout, sys.stderr))
    except KeyboardInterrupt:
        sys.stderr.write("interrupted\n")
        return EXIT_INTERRUPTED
    except BrokenPipeError:  # e.g. `logistics schema | head`
        return EXIT_OK
