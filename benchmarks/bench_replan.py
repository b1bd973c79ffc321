"""Re-plans, warm what-ifs and levers on the bundled Baghdad scenario (issue 22's
targets). Run ``python benchmarks/bench_replan.py`` (``--out`` for the report,
default ``benchmarks/REPLAN.md``).

Two plans being flown: the solve's plan at the app's 20 s (wall clock, as a planner
gets it) and the proven optimum (``benchmarks/plans``). For each, two events written as
scenario edits (SPEC 5.2/5.3):

* 8 of the 28 C-17s withdrawn at h40, re-planned at now = h36;
* Ramstein's MOG cut to 2 over h30-h52, re-planned at now = h28.

Each re-plan (3 s wall) is timed, checked with :func:`logistics.verify` (rule FROZEN
included) and compared with a 20 s solve from scratch of the new facts (which may move
what has started: the bar is higher than a re-plan can reach). *Touched* counts the
missions of the plan being flown that break a rule under the new facts (those
:func:`~logistics.model.dispatch.keep_feasible` drops, and the started ones that
conflict). Then warm what-ifs (beds raised at the base with the most room left; a text
edit), the levers of each plan (25 s in all, 2 processes), and a small sweep with and
without the base plan as every sample's start.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from logistics import Plan, ReplanError, load_scenario, replan, solve, verify  # noqa: E402
from logistics.levers import levers  # noqa: E402
from logistics.model.data import build_data  # noqa: E402
from logistics.model.dispatch import keep_feasible  # noqa: E402
from logistics.model.from_plan import to_dispatch  # noqa: E402
from logistics.replan import split  # noqa: E402
from logistics.scenario import Scenario, scenario_to_dict  # noqa: E402
from logistics.sweep import sweep  # noqa: E402

SCENARIO = ROOT / "data" / "scenarios" / "baghdad-embassy-2020.yaml"
OPTIMUM = ROOT / "benchmarks" / "plans" / "baghdad-embassy-2020-994.45h.json"


def withdrawn(s: Scenario) -> Scenario:
    d = scenario_to_dict(s)
    e = d["aircraft"][0]  # 20 C-17A from h12
    d["aircraft"][0] = {**e, "count": e["count"] - 8}
    d["aircraft"].insert(1, {**e, "count": 8, "until_hour": 40})
    return Scenario.from_dict(d)


def ramstein(s: Scenario) -> Scenario:
    d = scenario_to_dict(s)
    d.setdefault("airfields", []).append({"icao": "ETAR", "mog_changes": [{"from_hour": 30, "to_hour": 52, "mog": 2}]})
    return Scenario.from_dict(d)


EVENTS = [("8 C-17A withdrawn at h40", withdrawn, 36.0), ("Ramstein MOG 2 over h30-h52", ramstein, 28.0),
          ("Ramstein MOG 2 over h30-h52", ramstein, 12.0)]


def touched(s: Scenario, plan: Plan, now: float) -> int:
    """Missions of the plan being flown that the new facts break (not started ones kept)."""
    _, rest = split(s, plan, now)
    data = build_data(s)
    cands, lost = to_dispatch(data, rest)
    return len(cands) - len(keep_feasible(data, [], cands)) + len(lost)


def fmt(v: list[float]) -> str:
    return " / ".join(f"{x:,.2f}" for x in v)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", default=str(ROOT / "benchmarks" / "REPLAN.md"))
    ap.add_argument("--replan-limit", type=float, default=3.0)
    ap.add_argument("--scratch-limit", type=float, default=20.0)
    ap.add_argument("--lever-seconds", type=float, default=25.0)
    ap.add_argument("--sweep-samples", type=int, default=6)
    a = ap.parse_args()
    s = load_scenario(SCENARIO)
    t = time.perf_counter()
    p20 = solve(s, time_limit=20.0)
    best = Plan.load(OPTIMUM)
    # proven optimal by `logistics prove` (benchmarks/plans/*.proof.txt, docs/baghdad-proof.md)
    best = replace(best, status="optimal", solve=replace(best.solve, bound=list(best.solve.objective)))
    plans = {"solve at 20 s": (p20, time.perf_counter() - t), "proven optimum": (best, 0.0)}
    lines = ["# Re-plans, warm what-ifs and levers (Baghdad)", "",
             f"Written by `python benchmarks/bench_replan.py` on {platform.python_implementation()} "
             f"{platform.python_version()}, {os.cpu_count()} cores; wall clock. Goals: "
             f"{', '.join(s.objective)}.", "",
             "## One-event re-plans", "",
             f"Re-plan: `replan(new, plan, now, time_limit={a.replan_limit:g})`; scratch: "
             f"`solve(new, time_limit={a.scratch_limit:g})` (free to move what has started).", "",
             "| plan being flown | event | now | re-plan s | re-plan goals | scratch goals | as good | "
             "changed+cancelled | touched | verify |", "|---|---|---:|---:|---|---|---|---:|---:|---|"]
    for pname, (plan, _) in plans.items():
        for ename, edit, now in EVENTS:
            new = edit(s)
            t = time.perf_counter()
            try:
                rp = replan(new, plan, now, time_limit=a.replan_limit)
            except ReplanError as exc:
                lines.append(f"| {pname} | {ename} | h{now:g} | {time.perf_counter() - t:.2f} | conflict: "
                             f"{exc.problems[0].message[:150]} | - | - | - | - | exit 2 |")
                continue
            secs = time.perf_counter() - t
            scratch = solve(new, time_limit=a.scratch_limit)
            vr, vs = rp.objective_values(new), scratch.objective_values(new)
            ok = verify(new, rp, previous=plan, now_hour=now) == [] and verify(new, scratch) == []
            ch = len(rp.replan["changed"]) + len(rp.replan["cancelled"])
            lines.append(f"| {pname} | {ename} | h{now:g} | {secs:.2f} | {fmt(vr)} | {fmt(vs)} | "
                         f"{'yes' if vr <= vs else 'no'} | {ch} | {touched(new, plan, now)} | "
                         f"{'ok' if ok else 'VIOLATIONS'} |")
    lines += ["", "## Warm what-if: beds raised at a base that is not full", "",
              "| plan | edit | seconds | status | goals before | goals after |", "|---|---|---:|---|---|---|"]
    for pname, (plan, _) in plans.items():
        d = scenario_to_dict(s)
        pax = {u.id: u.pax for u in s.units}
        used = {x["airfield"]: sum(pax[u.id] for u in plan.units if u.destination == x["airfield"])
                for x in d["destinations"]}
        base = max(d["destinations"], key=lambda x: x["capacity_pax"] - used[x["airfield"]])  # most room left
        base["capacity_pax"] += 100
        edits = [(f"{base['airfield']} beds +100", Scenario.from_dict(d)),
                 ("description edited", s.replace(description=s.description + " Edited."))]
        for what, s2 in edits:
            t = time.perf_counter()
            w = solve(s2, time_limit=20.0, start=plan, start_scenario=s)
            secs = time.perf_counter() - t
            assert verify(s2, w) == []
            lines.append(f"| {pname} | {what} | {secs:.2f} | {w.status} | "
                         f"{fmt(plan.objective_values(s))} | {fmt(w.objective_values(s2))} |")
    lines += ["", f"## Levers ({a.lever_seconds:g} s for all the re-plans, 2 processes)", "",
              "| plan | levers | seconds | what they buy |", "|---|---:|---:|---|"]
    for pname, (plan, _) in plans.items():
        if not plan.findings:
            from logistics import explain

            plan = plan.with_findings(explain(s, plan))
        t = time.perf_counter()
        df = levers(s, plan, seconds=a.lever_seconds, max_workers=2)
        secs = time.perf_counter() - t
        assert (df["violations"] == 0).all() if len(df) else True
        buys = "; ".join(f"{r.lever}: {r.buys}" for r in df.itertuples()) or "no binding limit named"
        lines.append(f"| {pname} | {len(df)} | {secs:.1f} | {buys} |")
    lines += ["", f"## Sweep samples from the base plan ({a.sweep_samples} samples, `time_limit=1` deterministic, "
              "2 processes)", "", "| start | seconds | closure mean | flying mean | late units | violations |",
              "|---|---:|---:|---:|---:|---:|"]
    for label, start in (("cold (from scratch)", None), ("warm (from the 20 s plan)", p20)):
        t = time.perf_counter()
        df = sweep(s, samples=a.sweep_samples, seed=0, time_limit=1.0, max_workers=2, start=start).samples
        lines.append(f"| {label} | {time.perf_counter() - t:.1f} | {df.closure_hour.mean():.2f} | "
                     f"{df.flying_hours.mean():.1f} | {int(df.late_units.sum())} | {int(df.violations.sum())} |")
    Path(a.out).write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
