"""RESULTS.md and anytime.png from ``planner_time/runs.jsonl`` (see ``planner_time.py``)."""

from __future__ import annotations

import os
import platform
import time
from pathlib import Path
from statistics import mean

from planner_time import GRACE_FRAC, GRACE_S, good, lex_leq, primal_gap

GOALS = ("undelivered", "lateness", "closure", "flying_hours")
COMMAND = "python benchmarks/planner_time.py"


def latest(runs: list[dict]) -> dict[tuple[str, str, float], dict]:
    """The newest run of each (instance, method, limit)."""
    out: dict[tuple[str, str, float], dict] = {}
    for r in runs:
        out[(r["instance"], r["method"], float(r.get("limit", 0.0)))] = r
    return out


def _vec(r: dict | None) -> str:
    if r is None:
        return "–"
    if "error" in r:
        return "error"
    if r.get("objective") is None:
        return f"no plan ({r.get('status')})"
    if r.get("violations"):
        return f"INVALID ({r['violations']} violations)"
    return " / ".join(f"{v:,.2f}".rstrip("0").rstrip(".") if abs(v - round(v)) > 1e-9 else f"{v:,.0f}"
                      for v in r["objective"])


def _cmp(r: dict | None, other: dict | None) -> str:
    """``<`` better, ``=`` equal, ``>`` worse than ``other`` (lexicographically)."""
    if r is None or other is None or not good(r) or not good(other):
        return ""
    a, b = r["objective"], other["objective"]
    return "=" if lex_leq(a, b) and lex_leq(b, a) else "<" if lex_leq(a, b) else ">"


def gaps(r: dict | None, best: dict) -> dict[str, float] | None:
    """Primal gap per goal name (``None`` when the run has no valid plan)."""
    if r is None or not good(r):
        return None
    return {g: primal_gap(v, b) for g, v, b in zip(r["goals"], r["objective"], best["objective"], strict=True)}


def _pct(x: float | None) -> str:
    return "–" if x is None else f"{100 * x:.1f} %"


def mean_gaps(lat: dict, best: dict, names: list[str], method: str, limit: float) -> dict[str, tuple[float, int]]:
    """Mean primal gap per goal over the instances that have the run (and how many)."""
    per: dict[str, list[float]] = {g: [] for g in GOALS}
    for n in names:
        g = gaps(lat.get((n, method, limit)), best[n]) if n in best else None
        if g is None:
            continue
        for k, v in g.items():
            per[k].append(v)
    return {k: (mean(v), len(v)) for k, v in per.items() if v}


def _limits(lat: dict, method: str) -> list[float]:
    return sorted({k[2] for k in lat if k[1] == method})


def targets_section(lat: dict, best: dict, names: list[str]) -> list[str]:
    md = ["## Targets (issue 21)", ""]
    for limit in _limits(lat, "ours"):
        worse = []
        for n in names:
            o = lat.get((n, "ours", limit))
            for peer in ("naive", "greedy"):
                if _cmp(o, lat.get((n, peer, 0.0))) == ">":
                    worse.append(f"{n} (vs {peer})")
        have = sum(1 for n in names if (n, "ours", limit) in lat)
        md.append(f"- **{limit:g} s, never lexicographically worse than the naive planner or the greedy**: "
                  f"worse on {len(worse)} of {have} instances" + (f": {', '.join(worse)}" if worse else "")
                  + (" — met" if not worse else " — **missed**"))
    for limit in _limits(lat, "ours"):
        mg = mean_gaps(lat, best, names, "ours", limit)
        parts = [f"{g} {_pct(v)} (n={k})" for g, (v, k) in mg.items()]
        ok = mg.get("lateness", (0, 0))[0] <= 0.02 and mg.get("closure", (0, 0))[0] <= 0.01
        md.append(f"- **{limit:g} s, mean primal gap to best known ≤ 2 % lateness, ≤ 1 % closure**: "
                  + "; ".join(parts) + (" — met" if ok else " — **missed**"))
        fly = []
        for n in names:
            o = lat.get((n, "ours", limit))
            if n not in best or o is None or not good(o) or "flying_hours" not in o["goals"]:
                continue
            i = o["goals"].index("flying_hours")
            if lex_leq(o["objective"][:i], best[n]["objective"][:i]) and lex_leq(best[n]["objective"][:i],
                                                                                 o["objective"][:i]):
                fly.append(primal_gap(o["objective"][i], best[n]["objective"][i]))
        if fly:
            far = sum(1 for f in fly if f > 0.05)
            md.append(f"  - flying hours where the earlier goals tie the best known: {len(fly)} instances, mean gap "
                      f"{_pct(mean(fly))}, {far} beyond 5 %" + (" — met" if not far else " — **missed**"))
        matched = [n for n in names if _cmp(lat.get((n, "ours", limit)), best.get(n)) == "="]
        have = sum(1 for n in names if (n, "ours", limit) in lat)
        md.append(f"  - best-known plan matched on every goal: {len(matched)} of {have}")
    bag = lat.get(("baghdad-embassy-2020", "ours", 20.0))
    if bag and good(bag):
        v = dict(zip(bag["goals"], bag["objective"], strict=True))
        ok = v["closure"] <= 117.5 + 1e-9 and v["flying_hours"] <= 1045 + 1e-9
        md.append(f"- **Baghdad at 20 s, closure ≤ 117.5 h and ≤ 1,045 flying hours**: {v['closure']:.2f} h, "
                  f"{v['flying_hours']:,.2f} h" + (" — met" if ok else " — **missed**"))
    over: dict[str, list[str]] = {"ours": [], "mip": []}
    n_timed = {"ours": 0, "mip": 0}
    mip_over = 0.0  # the MIP's longest overrun, s
    for (n, m, limit), r in lat.items():
        if m in over and "wall" in r:
            n_timed[m] += 1
            if m == "mip":
                mip_over = max(mip_over, r["wall"] - limit)
            if r["wall"] > limit + max(GRACE_S, GRACE_FRAC * limit):
                over[m].append(f"{n} {limit:g} s: {r['wall']:.1f} s")
    md.append(f"- **Time limit honoured (limit + 1 s or 5 %)**: {n_timed['ours'] - len(over['ours'])} of "
              f"{n_timed['ours']} runs of our solve" + (f"; over: {', '.join(over['ours'])}" if over["ours"] else "")
              + (" — met" if not over["ours"] else " — **missed**"))
    if n_timed["mip"]:
        md.append(f"  - the MIP peer (a comparator, not held to it): {n_timed['mip'] - len(over['mip'])} of "
                  f"{n_timed['mip']} runs within, at most {mip_over:.1f} s over its limit")
    xl = [r for (n, m, _), r in lat.items() if n.startswith("XL") and m == "ours" and "rss_mb" in r]
    if xl:
        peak = max(r["rss_mb"] for r in xl)
        md.append(f"- **XL within 3 GiB peak RSS**: {peak:,.0f} MB at most over its runs"
                  + (" — met" if peak <= 3 * 1024 else " — **missed**"))
    return md + [""]


def instance_table(lat: dict, best: dict, names: list[str]) -> list[str]:
    ours = _limits(lat, "ours")
    mips = _limits(lat, "mip")
    head = (["instance", "units", "goals", "best known (how)", "naive", "greedy"]
            + [f"MIP {x:g} s" for x in mips] + [f"ours {x:g} s" for x in ours])
    md = ["## Every instance", "",
          "Goal values in the scenario's goal order (u = undelivered, l = lateness, c = closure h, f = flying h). "
          "After ours: `<` better than, `=` equal to, `>` worse than the best of naive and greedy; ★ matches the "
          "best known on every goal.", "",
          "| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for n in names:
        b = best.get(n)
        any_run = next((r for (i, _, _), r in lat.items() if i == n and r.get("goals")), None)
        goals = "/".join(g[0] for g in any_run["goals"]) if any_run else ""
        how = f"{_vec(b)} ({b['method']}{' ' + format(b['limit'], 'g') + ' s' if b['limit'] else ''})" if b else "–"
        row = [n, str(any_run.get("units", "")) if any_run else "", goals, how,
               _vec(lat.get((n, "naive", 0.0))), _vec(lat.get((n, "greedy", 0.0)))]
        row += [_vec(lat.get((n, "mip", x))) for x in mips]
        peers = [lat.get((n, p, 0.0)) for p in ("naive", "greedy")]
        peers = [p for p in peers if p is not None and good(p)]
        top = None
        for p in peers:
            if top is None or lex_leq(p["objective"], top["objective"]):
                top = p
        for x in ours:
            o = lat.get((n, "ours", x))
            mark = _cmp(o, top)
            star = " ★" if b and _cmp(o, b) == "=" else ""
            row.append(f"{_vec(o)} {mark}{star}".strip())
        md.append("| " + " | ".join(row) + " |")
    return md + [""]


def gap_table(lat: dict, best: dict, names: list[str]) -> list[str]:
    longest = max(_limits(lat, "ours"), default=0.0)
    common = [n for n in names if (n, "ours", longest) in lat]
    md = ["## Mean primal gap to the best known, per goal", ""]
    for title, subset in (("Over the instances that have the run (n); naive and greedy have no time limit.", names),
                          (f"Over the {len(common)} instances run at {longest:g} s only, so that the limits "
                           "compare on the same instances.", common)):
        md += [title, "", "| method | limit s | n | " + " | ".join(GOALS) + " |", "|---|---|---|" + "---|" * len(GOALS)]
        for m in ("naive", "greedy", "mip", "ours"):
            for x in _limits(lat, m):
                mg = mean_gaps(lat, best, subset, m, x)
                if not mg:
                    continue
                n_ = max(k for _, k in mg.values())
                md.append(f"| {m} | {x:g} | {n_} | " + " | ".join(_pct(mg[g][0]) if g in mg else "–" for g in GOALS)
                          + " |")
        md.append("")
    return md


def time_table(lat: dict, names: list[str]) -> list[str]:
    ours = _limits(lat, "ours")
    mips = _limits(lat, "mip")
    head = (["instance"] + [f"ours {x:g} s: wall / peak MB" for x in ours]
            + [f"MIP {x:g} s: wall / peak MB" for x in mips] + ["naive s", "greedy s"])
    md = ["## Wall time against the limit, and peak memory", "",
          "Wall seconds of the call inside its own process (the process's start and the plan check are not "
          "counted), and the process's peak resident memory.", "",
          "| " + " | ".join(head) + " |", "|" + "---|" * len(head)]

    def cell(r: dict | None) -> str:
        return "–" if r is None or "wall" not in r else f"{r['wall']:.1f} / {r['rss_mb']:,.0f}"

    for n in names:
        row = [n] + [cell(lat.get((n, "ours", x))) for x in ours] + [cell(lat.get((n, "mip", x))) for x in mips]
        row += [f"{lat[(n, p, 0.0)]['wall']:.1f}" if "wall" in lat.get((n, p, 0.0), {}) else "–"
                for p in ("naive", "greedy")]
        md.append("| " + " | ".join(row) + " |")
    return md + [""]


def plot_anytime(lat: dict, best: dict, names: list[str], path: Path) -> None:
    """Mean primal gap per goal against the time limit, one panel per goal."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    longest = max(_limits(lat, "ours"), default=0.0)
    names = [n for n in names if (n, "ours", longest) in lat]  # the same instances at every limit
    fig, axes = plt.subplots(1, len(GOALS), figsize=(4 * len(GOALS), 3.4), sharey=False)
    styles = {"ours": ("C0", "o-"), "mip": ("C1", "s-"), "naive": ("C2", "--"), "greedy": ("C3", ":")}
    xs_all = sorted({x for k in lat for x in [k[2]] if x > 0}) or [20.0]
    for ax, goal in zip(axes, GOALS, strict=True):
        for m, (color, style) in styles.items():
            limits = _limits(lat, m)
            if m in ("naive", "greedy"):
                mg = mean_gaps(lat, best, names, m, 0.0)
                if goal in mg:
                    ax.plot([xs_all[0], xs_all[-1]], [100 * mg[goal][0]] * 2, style, color=color, label=m)
                continue
            pts = [(x, mean_gaps(lat, best, names, m, x).get(goal)) for x in limits]
            pts = [(x, 100 * g[0]) for x, g in pts if g is not None]
            if pts:
                ax.plot([p[0] for p in pts], [p[1] for p in pts], style, color=color, label=m)
        ax.set_xscale("log")
        ax.set_xticks(xs_all, [f"{x:g}" for x in xs_all])
        ax.set_title(goal)
        ax.set_xlabel("time limit, s")
        ax.grid(alpha=0.3)
    axes[0].set_ylabel("mean primal gap to best known, %")
    axes[-1].legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def write_report(runs: list[dict], best: dict[str, dict], out: Path) -> None:
    lat = latest(runs)
    names = list(dict.fromkeys(r["instance"] for r in runs))
    commits = sorted({r.get("commit", "") for r in lat.values()})
    loads = [r["load_average"] for r in lat.values() if "load_average" in r]
    md = ["# Benchmarks: plans at the time limits planners use", "",
          f"**Run it:** `{COMMAND}` (every instance at 5, 20 and 120 s; `--long-seeds 1 2` runs 120 s on family "
          "seeds 1-2 only; `--report-only` re-renders this file from `planner_time/runs.jsonl`).", "",
          f"Rendered {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} from runs at commit "
          f"{', '.join(f'`{c}`' for c in commits)} on {os.cpu_count()} CPUs ({platform.machine()}), "
          f"Python {platform.python_version()}; load average at the runs' ends "
          f"{min(loads, default=0):.1f}–{max(loads, default=0):.1f}.", "",
          "Instances: the bundled scenarios, generated S-XL (seed 1) and the hard family of "
          "`benchmarks/family.py` (8 kinds × 4 seeds; each kind stresses one limit). Methods: the naive planner "
          "(`logistics.peers.naive`), the hand-planning greedy (`logistics.peers.greedy`), the MIP peer "
          "(`logistics.peers.mip.solve_mip`, SCIP, wall-clock limit) and `logistics.solve` as a planner runs it "
          "(wall clock, default workers, seed 0). Each run is its own process; every plan was checked with "
          "`logistics.verify`. The best-known plan of an instance is the lexicographically best verified plan "
          "of any run recorded (`benchmarks/best_known/`, with `index.json` saying which run made it and the "
          "command that repeats it). Gaps are primal gaps `(v − best) / max(v, best)`.", ""]
    md += targets_section(lat, best, names)
    notes = out / "planner_time" / "NOTES.md"
    if notes.exists():  # what the run shows, written for the run named in it
        md += [notes.read_text(encoding="utf-8").strip(), ""]
    md += gap_table(lat, best, names)
    md += ["![anytime](anytime.png)", "",
           "Mean primal gap per goal against the time limit, over the instances run at every limit (one run "
           "per limit; naive and greedy as flat lines).", ""]
    md += instance_table(lat, best, names)
    md += time_table(lat, names)
    md += ["## Older reports", "",
           "[SCALING.md](SCALING.md): the deterministic-mode suite (`python benchmarks/run.py`) with the lower "
           "bounds, the AFPAM estimate and where the time goes, from its own run and commit.", ""]
    (out / "RESULTS.md").write_text("\n".join(md), encoding="utf-8")
    plot_anytime(lat, best, names, out / "anytime.png")
