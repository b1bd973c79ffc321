"""``verify SCENARIO PLAN [--json]``: check a plan file against every rule of SPEC
section 3 with the independent checker (:func:`logistics.verify`).

Exit 0 when the plan keeps every rule, 1 with the violations listed, 2 on bad input:
an unreadable scenario or plan, or a plan made for another scenario (its
``scenario.sha256`` is neither the scenario file's nor the scenario's content's).

``python -m logistics.verify`` runs this command through :func:`main`. The checker is
reached through the package (``logistics.verify``, the function) rather than imported
from its module, because :func:`logistics.verify.main` imports this module.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import Any, TextIO

import logistics

from ..plan import Plan
from ..scenario import Scenario
from .common import (
    EXIT_INPUT,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_VIOLATIONS,
    add_json,
    add_verbose,
    command_logging,
    input_error,
    load,
    plural,
    verbosity,
    violations_json,
    write_json,
)


def other_scenario(scenario_path: str, s: Scenario, plan_path: str, plan: Plan) -> str | None:
    """Why the plan does not answer the scenario, or None when it does (or does not say).

    A plan names its scenario by sha256: of the file it was read from, or of the
    scenario's content when it was built in memory; either matches."""
    sha = plan.scenario_sha256
    if not sha or sha in (s.sha256(), s.content_sha256()):
        return None
    return (f"{plan_path} is a plan for another scenario than {scenario_path}: the plan names scenario "
            f"{plan.scenario_name!r} with sha256 {sha[:12]}..., and {scenario_path} ({s.name!r}) has "
            f"sha256 {s.sha256()[:12]}...")


def load_both(args: argparse.Namespace, out: TextIO, err: TextIO) -> tuple[Scenario, Plan] | None:
    """``args.scenario`` and ``args.plan``, a plan of that scenario; None once the
    problem is reported (:func:`input_error`)."""
    s = load(args, args.scenario, out, err)
    if s is None:
        return None
    try:
        plan = Plan.load(args.plan)
    except ValueError as exc:  # the message names the file
        input_error(args, out, err, [str(exc)])
        return None
    why = other_scenario(args.scenario, s, args.plan, plan)
    if why is not None:
        input_error(args, out, err, [why])
        return None
    return s, plan


def cmd_verify(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    both = load_both(args, out, err)
    if both is None:
        return EXIT_INPUT
    s, plan = both
    previous = None
    if (args.previous is None) != (args.now is None):
        return input_error(args, out, err, ["--previous and --now go together: the plan being flown and the "
                                            "hour of the re-plan (rule frozen)"])
    if args.previous is not None:
        try:
            previous = Plan.load(args.previous)
        except ValueError as exc:
            return input_error(args, out, err, [str(exc)])
    violations = logistics.verify(s, plan, previous=previous, now_hour=args.now)
    counts: dict[str, int] = {}
    for v in violations:
        counts[v.rule] = counts.get(v.rule, 0) + 1
    if args.json:
        write_json(out, {"ok": not violations, "scenario": args.scenario, "plan": args.plan,
                         "counts": counts, "violations": violations_json(violations)})
    elif not violations:
        out.write("OK: the plan satisfies every rule (SPEC section 3)\n")
    else:
        out.write(f"{plural(len(violations), 'violation')} ("
                  + ", ".join(f"{r} {k}" for r, k in counts.items()) + ")\n")
        out.write("".join(f"  {v}\n" for v in violations))
    return EXIT_VIOLATIONS if violations else EXIT_OK


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("scenario", help="scenario file (.yaml, .yml or .json)")
    p.add_argument("plan", help="plan file (.json, logistics-plan/1)")
    p.add_argument("--previous", default=None, metavar="PLAN",
                   help="for a re-plan: the plan being flown (with --now, checks rule frozen, SPEC 5.3)")
    p.add_argument("--now", type=float, default=None, metavar="H", help="for a re-plan: its hour")
    add_json(p, "the violations (rule, subject, message) and their counts per rule")
    add_verbose(p)
    p.set_defaults(func=cmd_verify)


DESCRIPTION = ("Check a plan against every rule of SPEC section 3 with the independent checker. "
               "Exit 0: every rule kept; 1: violations (listed); 2: bad input, or a plan of "
               "another scenario.")


def register(sub: Any) -> None:
    """Add ``verify`` to the ``logistics`` command."""
    add_arguments(sub.add_parser("verify", help="check a plan file against every rule",
                                 description=DESCRIPTION))


def main(argv: Sequence[str] | None = None, prog: str = "python -m logistics.verify") -> int:
    """The ``verify`` command on its own (``python -m logistics.verify``)."""
    ap = argparse.ArgumentParser(prog=prog, description=DESCRIPTION)
    add_arguments(ap)
    try:
        args = ap.parse_args(argv)
    except SystemExit as exc:  # --help (0) or a usage error (2)
        return int(exc.code) if isinstance(exc.code, int) else EXIT_INPUT
    try:
        with command_logging(verbosity(args), sys.stderr):
            return cmd_verify(args, sys.stdout, sys.stderr)
    except KeyboardInterrupt:
        sys.stderr.write("interrupted\n")
        return EXIT_INTERRUPTED
