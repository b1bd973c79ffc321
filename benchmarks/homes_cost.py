"""What positioning from home bases costs (SPEC 5.1, issue 23): each bundled operation
and a few generated ones solved with the fleet at its origins and at its home bases,
at the same wall-clock limit, one after the other in this process. Writes
``benchmarks/HOMES.md`` (every plan verified).

    python benchmarks/homes_cost.py --limit 20

Timings drift on a shared machine: compare rows of one run only.
"""

from __future__ import annotations

import argparse
import subprocess
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


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--limit", type=float, default=20.0, help="wall-clock seconds per solve")
    args = ap.parse_args()
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
                            cwd=HERE).stdout.strip()
    lines = ["# What positioning from home bases costs (SPEC 5.1)", "",
             f"`python benchmarks/homes_cost.py --limit {args.limit:g}` at commit {commit}, one run, "
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
    (HERE / "HOMES.md").write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
