"""Charts and figures of the Solve, Robustness and Compare pages: altair objects and
plain data, no Streamlit, so tests can build them headless.

* :func:`progress_chart`: incumbent and bound of the stage being solved, on a y range
  around the two (not from 0) and an x axis of seconds;
* :func:`sweep_estimate` / :func:`sweep_progress_text`: the time a sweep has left, from
  the samples done so far;
* :func:`closure_histogram` and :func:`unit_outcome_chart`: a sweep's closure
  distribution with the current plan marked, and each unit's chance of being late or
  short, every bar labelled;
* :func:`goal_rows`: each plan's goal values against its proven bounds, and whether a
  difference from the baseline is larger than the solver's gaps.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import altair as alt
import pandas as pd

from logistics.plan import Plan

INCUMBENT, BOUND = "best plan (incumbent)", "proven bound"


# ----- solve progress ---------------------------------------------------------------------------
def progress_frame(history: Sequence[tuple[float, str, float | None, float | None]], stage: str | None,
                   now: float) -> pd.DataFrame:
    """``seconds, series, value``: the stage's incumbent and bound over time, each carried
    on to ``now`` so a single report still draws a line."""
    rows = []
    for t, g, obj, bnd in history:
        if g != stage:
            continue
        if obj is not None:
            rows.append((float(t), INCUMBENT, float(obj)))
        if bnd is not None:
            rows.append((float(t), BOUND, float(bnd)))
    df = pd.DataFrame(rows, columns=["seconds", "series", "value"])
    if df.empty:
        return df
    last = df.groupby("series", as_index=False).tail(1).copy()
    last = last[last["seconds"] < now]
    last["seconds"] = float(now)
    return pd.concat([df, last], ignore_index=True).sort_values(["series", "seconds"], ignore_index=True)


def y_domain(values: Sequence[float]) -> tuple[float, float]:
    """A range around the values with a margin: 121 and 113 give about 112-122, so both
    lines are apart and visible (a chart from 0 would draw them on top of each other)."""
    lo, hi = float(min(values)), float(max(values))
    span = hi - lo
    pad = 0.1 * span if span > 1e-9 else max(abs(hi) * 0.02, 0.5)
    return lo - pad, hi + pad


def x_format(span: float) -> str:
    """Seconds as whole numbers, or with one decimal on a short axis."""
    return ".0f" if span >= 5 else ".1f"


def progress_chart(history: Sequence[tuple[float, str, float | None, float | None]], stage: str | None,
                   now: float, y_title: str) -> alt.Chart | None:
    """Incumbent and bound of ``stage`` against seconds since the solve started, as steps;
    ``None`` before the stage has a value."""
    df = progress_frame(history, stage, now)
    if df.empty:
        return None
    t0, t1 = float(df["seconds"].min()), float(df["seconds"].max())
    if t1 - t0 < 1.0:
        t1 = t0 + 1.0
    lo, hi = y_domain(list(df["value"]))
    return alt.Chart(df).mark_line(interpolate="step-after", point=True).encode(
        x=alt.X("seconds:Q", title="seconds since the start", scale=alt.Scale(domain=[t0, t1], nice=False),
                axis=alt.Axis(format=x_format(t1 - t0), tickMinStep=0.1 if t1 - t0 < 5 else 1)),
        y=alt.Y("value:Q", title=y_title, scale=alt.Scale(domain=[lo, hi], zero=False, nice=False),
                axis=alt.Axis(tickCount=5, labelLimit=80)),
        color=alt.Color("series:N", title=None, scale=alt.Scale(domain=[INCUMBENT, BOUND],
                                                                range=["#1565c0", "#c62828"]),
                        legend=alt.Legend(orient="top")),
        strokeDash=alt.StrokeDash("series:N", scale=alt.Scale(domain=[INCUMBENT, BOUND],
                                                              range=[[1, 0], [6, 3]]), legend=None),
        tooltip=["series", alt.Tooltip("seconds:Q", format=".1f"), alt.Tooltip("value:Q", format=",.2f")],
    ).properties(height=320)


# ----- sweep progress -------------------------------------------------------------------------
def sweep_estimate(completions: Sequence[float], total: int, workers: int) -> tuple[float, float] | None:
    """``(mean seconds per sample, seconds left)`` from the times the samples so far
    finished (seconds since the sweep started), or ``None`` before the first.

    ``workers`` processes solve at once, so the i-th sample to finish started when the
    (i - workers)-th did (the first ones at 0): its time is the difference. The time
    left is the samples left x the mean time per sample / the workers.
    """
    c = sorted(float(x) for x in completions)
    if not c:
        return None
    p = max(1, int(workers))
    times = [c[i] - (c[i - p] if i >= p else 0.0) for i in range(len(c))]
    mean = sum(times) / len(times)
    left = max(0, total - len(c))
    return mean, left * mean / min(p, max(left, 1))


def duration(seconds: float) -> str:
    """``45 s``, ``3 min 20 s``, ``1 h 05 min``."""
    s = max(0, int(round(seconds)))
    if s < 60:
        return f"{s} s"
    if s < 3600:
        return f"{s // 60} min {s % 60:02d} s"
    return f"{s // 3600} h {(s % 3600) // 60:02d} min"


def sweep_progress_text(done: int, total: int, elapsed: float, completions: Sequence[float],
                        workers: int) -> str:
    """``3 of 20 samples solved, 41 s so far; about 3 min 50 s left (...)``."""
    p = max(1, min(int(workers), max(total, 1)))
    head = f"{done} of {total} samples solved, {duration(elapsed)} so far"
    est = sweep_estimate(completions, total, p)
    if est is None or done == 0:
        return (f"{head}; solving {p} at a time. The time left is estimated when the first "
                "sample is done.")
    mean, left = est
    return (f"{head}; about {duration(left)} left ({duration(mean)} a sample on average, "
            f"{p} at a time)")


# ----- sweep results --------------------------------------------------------------------------
def closure_histogram(closures: Sequence[float], percentiles: dict[str, float],
                      current: float | None = None) -> alt.LayerChart:
    """Samples by force closure, with P10/P50/P90 (dashed) and the current plan's closure
    (solid red, labelled) marked."""
    cl = pd.DataFrame({"closure_hour": [float(x) for x in closures]})
    hist = alt.Chart(cl).mark_bar(color="#90a4ae").encode(
        x=alt.X("closure_hour:Q", bin=alt.Bin(maxbins=20), title="force closure (hours from C-hour 0)"),
        y=alt.Y("count():Q", title="samples"),
        tooltip=[alt.Tooltip("count():Q", title="samples")],
    )
    marks = [{"hour": v, "label": k, "what": "percentile"} for k, v in percentiles.items()
             if v is not None and not math.isnan(v)]
    if current is not None and not math.isnan(current):
        marks.append({"hour": float(current), "label": f"current plan h{current:.1f}", "what": "current plan"})
    mk = pd.DataFrame(marks, columns=["hour", "label", "what"])
    color = alt.Color("what:N", title=None, scale=alt.Scale(domain=["percentile", "current plan"],
                                                            range=["#555555", "#c62828"]),
                      legend=alt.Legend(orient="bottom"))
    rules = alt.Chart(mk).mark_rule(strokeWidth=2).encode(
        x="hour:Q", color=color,
        strokeDash=alt.StrokeDash("what:N", scale=alt.Scale(domain=["percentile", "current plan"],
                                                           range=[[4, 3], [1, 0]]), legend=None),
        tooltip=["label", alt.Tooltip("hour:Q", format=".1f")])
    # a label per mark, one under another so close marks do not write over each other
    texts = [alt.Chart(mk.iloc[[i]]).mark_text(align="left", dx=3, dy=14 * i, baseline="top", fontSize=11)
             .encode(x="hour:Q", y=alt.value(2), text="label:N", color=color) for i in range(len(mk))]
    return alt.layer(hist, rules, *texts).properties(height=340)


def unit_outcome_chart(units: pd.DataFrame) -> alt.LayerChart:
    """Per unit: the chance it is late and the chance it is not fully delivered, stacked,
    every unit on the axis and every bar labelled with its percentages."""
    order = list(units.sort_values("p_late_or_undelivered", ascending=False)["unit"])
    long = units.melt(id_vars=["unit"], value_vars=["p_late", "p_undelivered"], var_name="outcome",
                      value_name="probability")
    long["outcome"] = long["outcome"].map({"p_late": "late", "p_undelivered": "not fully delivered"})
    y = alt.Y("unit:N", sort=order, title=None, axis=alt.Axis(labelOverlap=False, labelLimit=220))
    bars = alt.Chart(long).mark_bar().encode(
        y=y,
        x=alt.X("sum(probability):Q", title="share of samples", scale=alt.Scale(domain=[0, 1.25]),
                axis=alt.Axis(format="%", values=[0, 0.25, 0.5, 0.75, 1])),
        color=alt.Color("outcome:N", title=None, legend=alt.Legend(orient="bottom"),
                        scale=alt.Scale(domain=["late", "not fully delivered"], range=["#ef6c00", "#c62828"])),
        tooltip=["unit", "outcome", alt.Tooltip("probability:Q", format=".0%")],
    )
    lab = units.assign(total=units["p_late"] + units["p_undelivered"],
                       label=[unit_label(a, b) for a, b in zip(units["p_late"], units["p_undelivered"],
                                                                strict=True)])
    text = alt.Chart(lab).mark_text(align="left", dx=4, fontSize=11, color="#333").encode(
        y=y, x="total:Q", text="label:N")
    return alt.layer(bars, text).properties(height=alt.Step(26))


def unit_label(p_late: float, p_short: float) -> str:
    """``late 35 %, short 5 %``; ``on time in every sample`` when both are 0."""
    parts = ([f"late {p_late:.0%}"] if p_late > 0 else []) + ([f"short {p_short:.0%}"] if p_short > 0 else [])
    return ", ".join(parts) or "on time in every sample"


# ----- goal gaps --------------------------------------------------------------------------------
def goal_values(plan: Plan) -> dict[str, tuple[float | None, float | None]]:
    """``goal -> (value, proven bound)`` of a plan's solve."""
    sv = plan.solve
    out = {}
    for i, g in enumerate(sv.goals):
        obj = sv.objective[i] if i < len(sv.objective) else None
        bnd = sv.bound[i] if i < len(sv.bound) else None
        out[g] = (obj, bnd)
    return out


def goal_rows(plans: dict[str, Plan], base: str) -> pd.DataFrame:
    """One row per (variant, goal): value, bound, the gap between them and the change from
    the baseline, judged against the gaps: a change smaller than either plan's gap is
    within solver noise (a longer solve may close it)."""
    ref = goal_values(plans[base])
    rows = []
    for name, p in plans.items():
        for g, (obj, bnd) in goal_values(p).items():
            gap = None if obj is None or bnd is None else max(0.0, obj - bnd)
            row = {"variant": name, "goal": g, "value": obj, "bound": bnd, "gap": gap,
                   "change": None, "verdict": "baseline" if name == base else "-"}
            b_obj, b_bnd = ref.get(g, (None, None))
            if name != base and obj is not None and b_obj is not None:
                d = obj - b_obj
                b_gap = None if b_bnd is None else max(0.0, b_obj - b_bnd)
                noise = max(x for x in (gap, b_gap, 0.0) if x is not None)
                row["change"] = d
                if abs(d) <= 1e-6:
                    row["verdict"] = "same"
                elif abs(d) < noise:
                    row["verdict"] = "within solver noise"
                else:
                    row["verdict"] = "better" if d < 0 else "worse"
            rows.append(row)
    return pd.DataFrame(rows, columns=["variant", "goal", "value", "bound", "gap", "change", "verdict"])
