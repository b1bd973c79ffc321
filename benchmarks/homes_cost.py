"""What positioning from home bases costs (SPEC 5.1, issue 23): each bundled operation
and a few generated ones solved with the fleet at its origins and at its home bases,
at the same wall-clock limit, one after the other in this process; then (``--family``)
the hard family's home-based variants (``with_homes``), our solve at the limit against
the naive planner and the hand-planning greedy. Writes ``benchmarks/HOMES.md`` (every
plan verified).

    python benchmarks/homes_cost.py --limit 20 --family

Timings drift on a shared machine: compare rows of one run only.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

from logistics import generate, load_scenario, solve, verify
from logistics.catalog import scenarios_dir

HERE = Path(__file__).parent


def _cases() -> list[tuple[str, object, object]]:
    d = scenarios_dir()
    out = [(name, load_scenario(d / f"{name}.yaml"), load_scenario(d / f"{name}-homes.yaml"))
           for name in ("baghdad-embassy-2020", "gulf-buildup-2019")]
    out += [(f"generated {size} #1", generate(size, 1), generate(size, 1, homes=True)) for size in ("S", "M")]
    return out


def _row(s, limit: float) -> dict:  # noqa: ANN001
    t0 = time.perf_counter()
    plan = solve(s, time_limit=limit)
    wall = time.perf_counter() - t0
    bad = verify(s, plan)
    k = plan.kpis
    pos = sum(lg.arrive_hour - lg.depart_hour for m in plan.missions for j, lg in enumerate(m.legs)
              if j in m.positioning_legs)
    return {"closure": k["closure_hour"], "flying": k["flying_hours"], "late": k["late_units"],
            "short": k["undelivered_pax"] + k["undelivered_stons"], "missions": k["missions"],
            "positioning": pos, "wall": wall, "violations": len(bad)}


def _lex(a: list[float], b: list[float], tol: float = 1e-6) -> int:
    """-1, 0 or 1: ``a`` lexicographically better, equal or worse than ``b``."""
    for x, y in zip(a, b, strict=False):
        if x < y - tol:
            return -1
        if x > y + tol:
            return 1
    return 0


def _family(limit: float) -> list[str]:
    """The hard family at home bases: ours at ``limit`` against naive and greedy."""
    sys.path.insert(0, str(HERE))
    from family import family_instances

    from logistics.homes import with_homes
    from logistics.peers.greedy import greedy
    from logistics.peers.naive import naive

    lines = ["", f"## The hard family at home bases, {limit:g} s", "",
             "Each of the 32 family instances (`benchmarks/family.py`) with its C-17As and C-5Ms at "
             "their wings' homes (`with_homes(s, seed)`); goal vectors in the scenario's order. "
             "`vs baselines`: `<` better than the better of naive and greedy, `=` equal, `>` worse.", "",
             "| instance | ours | naive | greedy | vs baselines | wall s | violations |",
             "|---|---|---|---|---|---|---|"]
    worse = 0
    for inst in family_instances():
        s = with_homes(inst.load(), inst.seed or 0)
        t0 = time.perf_counter()
        ours = solve(s, time_limit=limit)
        wall = time.perf_counter() - t0
        base = [naive(s), greedy(s)]
        bad = sum(len(verify(s, p)) for p in (ours, *base))
        vals = [p.objective_values(s) for p in (ours, *base)]
        ref = min(vals[1:], key=lambda v: [round(x, 6) for x in v])
        cmp = "<=>"[_lex(vals[0], ref) + 1]
        worse += cmp == ">"
        fmt = [", ".join(f"{x:,.1f}" for x in v) for v in vals]
        lines.append(f"| {inst.name} | {fmt[0]} | {fmt[1]} | {fmt[2]} | {cmp} | {wall:.1f} | {bad} |")
        print(lines[-1], flush=True)
    lines += ["", f"Worse than the better baseline on {worse} of 32."]
    return lines


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--limit", type=float, default=20.0, help="wall-clock seconds per solve")
    ap.add_argument("--family", action="store_true", help="also the hard family at home bases")
    args = ap.parse_args()
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
                            cwd=HERE).stdout.strip()
    lines = ["# What positioning from home bases costs (SPEC 5.1)", "",
             f"`python benchmarks/homes_cost.py --limit {args.limit:g}{' --family' if args.family else ''}` "
             f"at commit {commit}, one run, "
             "2 cores, wall clock; every plan verified (`violations` 0). Each operation solved with the "
             "fleet at the units' origins (SPEC v1) and at its home bases (the `-homes` files, "
             "`generate(..., homes=True)`). `positioning h` is the flying hours of the empty flights "
             "from home to the origin; the returns home are in `flying h` too.", "",
             "| operation | fleet | closure h | flying h | positioning h | late units | short (soldiers + st) "
             "| missions | wall s | violations |", "|---|---|---|---|---|---|---|---|---|---|"]
    for name, flat, homed in _cases():
        for label, s in (("at origins", flat), ("at home bases", homed)):
            r = _row(s, args.limit)
            closure = "-" if r["closure"] is None else f"{r['closure']:.2f}"
            lines.append(f"| {name} | {label} | {closure} | {r['flying']:,.1f} | {r['positioning']:,.1f} | "
                         f"{r['late']} | {r['short']:,.1f} | {r['missions']} | {r['wall']:.1f} | {r['violations']} |")
            print(lines[-1], flush=True)
    if args.family:
        lines += _family(args.limit)
    (HERE / "HOMES.md").write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
