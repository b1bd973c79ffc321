"""``prove SCENARIO PLAN``: check goal by goal that no plan does better than PLAN
(:func:`logistics.bounds.proof.prove_plan`).

Each step goes to stderr as it is proven (with the seconds since the start); stdout gets
the result once: the argument, the table of goals and the verdict (or ``--json``)."""

from __future__ import annotations

import argparse
import time
from typing import Any, TextIO

from .common import (
    EXIT_INPUT,
    EXIT_INTERRUPTED,
    EXIT_NOT_PROVEN,
    EXIT_OK,
    EXIT_VIOLATIONS,
    add_json,
    add_verbose,
    input_error,
    load,
    plural,
    positive_float,
    table,
    verbosity,
    violations_json,
    write_json,
)


def _goal_line(g: Any) -> str:
    return f"{g.goal}: {g.value:g} " + ("PROVEN least" if g.proven else "not proven") + f" - {g.how}"


def argument(proof: Any) -> list[str]:
    """The proof's argument in the order it was made: each goal's line, the flying-hours
    goal after the steps of :func:`~logistics.bounds.proof.prove_flying`."""
    lines: list[str] = []
    for g in proof.goals:
        if g.goal == "flying_hours" and proof.flying is not None:
            lines.extend(proof.flying.steps)
        lines.append(_goal_line(g))
    return lines


def proof_json(args: argparse.Namespace, proof: Any) -> dict[str, Any]:
    """``logistics prove --json``: the verdict, each goal and the argument."""
    fl = proof.flying
    return {
        "ok": proof.proven,
        "proven": proof.proven,
        "scenario": args.scenario,
        "plan": args.plan,
        "seconds": proof.seconds,
        "goals": [{"goal": g.goal, "value": g.value, "bound": g.bound, "proven": g.proven, "how": g.how}
                  for g in proof.goals],
        "flying": None if fl is None else {
            "proven": fl.proven, "bound_minutes": fl.bound, "upper_minutes": fl.upper,
            "c_units": list(fl.c_units), "r_units": list(fl.r_units), "seconds": fl.seconds},
        "argument": argument(proof),
    }


def cmd_prove(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Prove a plan's goals least (:func:`logistics.bounds.proof.prove_plan`)."""
    s = load(args, args.scenario, out, err)
    if s is None:
        return EXIT_INPUT
    from ..plan import Plan

    try:
        plan = Plan.load(args.plan)
    except ValueError as exc:  # the message names the file
        return input_error(args, out, err, [str(exc)])
    from ..bounds.proof import prove_plan
    from ..verify import verify

    bad = verify(s, plan)
    if bad:
        if args.json:
            write_json(out, {"ok": False, "proven": False, "scenario": args.scenario, "plan": args.plan,
                             "violations": violations_json(bad)})
            return EXIT_VIOLATIONS
        out.write(f"verify: {plural(len(bad), 'violation')}; nothing to prove\n")
        for v in bad:
            out.write(f"  {v}\n")
        return EXIT_VIOLATIONS
    t0 = time.perf_counter()

    def progress(line: str) -> None:
        if not args.quiet:
            err.write(f"[{time.perf_counter() - t0:6.0f} s] {line}\n")
            err.flush()

    try:
        proof = prove_plan(s, plan, time_limit=args.time_limit, log=progress,
                           trace=progress if verbosity(args) else None)
    except KeyboardInterrupt:
        err.write("interrupted\n")
        return EXIT_INTERRUPTED
    if args.json:
        write_json(out, proof_json(args, proof))
        return EXIT_OK if proof.proven else EXIT_NOT_PROVEN
    out.write("".join(f"{line}\n" for line in argument(proof)))
    out.write("\n" + table(["goal", "value", "proven bound", "least?"],
                            [[g.goal, f"{g.value:,.2f}", "-" if g.bound is None else f"{g.bound:,.2f}", g.proven]
                             for g in proof.goals]) + "\n")
    if proof.proven:
        out.write(f"PROVEN: no plan does better than {args.plan} on {', '.join(g.goal for g in proof.goals)} "
                  f"(for the model; {proof.seconds:.0f} s)\n")
        return EXIT_OK
    out.write(f"NOT PROVEN in {proof.seconds:.0f} s\n")
    return EXIT_NOT_PROVEN


def register(sub: Any) -> None:
    """Add ``prove`` to the ``logistics`` command."""
    pr = sub.add_parser("prove", help="prove that no plan does better than a given one",
                        description="Check, goal by goal up to flying hours, that no plan of the model does "
                                    "better than PLAN. Each step goes to stderr as it is proven; the "
                                    "argument, the goals and the verdict to stdout at the end.")
    pr.add_argument("scenario", help="scenario file (.yaml, .yml or .json)")
    pr.add_argument("plan", help="plan file (.json, logistics-plan/1)")
    pr.add_argument("--time-limit", type=positive_float, default=1800.0, metavar="S",
                    help="seconds for the whole proof (default 1800)")
    pr.add_argument("--quiet", action="store_true", help="no progress lines on stderr")
    add_json(pr, "the verdict, each goal and the argument")
    add_verbose(pr)
    pr.set_defaults(func=cmd_prove)
