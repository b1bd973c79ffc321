"""Charts and the route map of a plan: altair and pydeck objects, no Streamlit.

Every function takes a :class:`~logistics.plan.Plan` and the
:class:`~logistics.scenario.Scenario` it answers and returns a chart object (or the
DataFrame behind it), so pages only place them and tests can build them headless.
The route map is in :mod:`app.route_map` (its names are re-exported here). Tooltips
give each time as its hour, its Zulu date-time group and its C-day (:mod:`app.times`).
"""

from __future__ import annotations

import math
from typing import Any

import altair as alt
import pandas as pd

from logistics.plan import Mission, Plan
from logistics.plan.tails import assign_tails
from logistics.replan import started
from logistics.scenario import Scenario

from .route_map import label_layout as label_layout
from .route_map import land_geojson as land_geojson
from .route_map import land_path as land_path
from .route_map import route_deck as route_deck
from .route_map import route_frames as route_frames
from .times import c_days, dtgs

HOURS_TITLE = "hours from C-hour 0"
STATUS_COLORS = {"on time": "#2e7d32", "late": "#ef6c00", "not fully delivered": "#c62828"}
#: a mission's state at the planner's "now" (timeline charts)
STARTED, NOT_STARTED = "started by now (kept as flown)", "not started"
NOW_COLOR = "#d32f2f"
ACTIVITY_COLORS = {
    "onload": "#90caf9", "flying loaded": "#1565c0", "en-route stop": "#bdbdbd",
    "offload": "#ffb74d", "flying empty": "#78909c", "positioning": "#b39ddb",
}


# ----- KPIs --------------------------------------------------------------------------------
def goal_gaps(plan: Plan) -> list[tuple[str, float | None, float | None, float | None]]:
    """``(goal, objective, bound, relative gap)`` per goal the solve reached."""
    sv = plan.solve
    out = []
    for i, g in enumerate(sv.goals):
        obj = sv.objective[i] if i < len(sv.objective) else None
        bnd = sv.bound[i] if i < len(sv.bound) else None
        gap = None
        if obj is not None and bnd is not None:
            gap = 0.0 if abs(obj) < 1e-9 else max(0.0, (obj - bnd) / abs(obj))
        out.append((g, obj, bnd, gap))
    return out


def goal_table(plan: Plan, goals: list[str]) -> pd.DataFrame:
    """Every goal of the scenario (``goals``, in order): value, best bound, gap, the
    search time its stages got and how the value stands, in plain words, so that a goal
    that got no search time says so."""
    gaps = {g: (o, b, gap) for g, o, b, gap in goal_gaps(plan)}
    rows = []
    for g in goals:
        stages = [st for st in plan.solve.stages if st.get("goal") == g]
        secs = sum(float(st.get("seconds") or 0.0) + float((st.get("lns") or {}).get("seconds") or 0.0)
                   + float((st.get("relaxation") or {}).get("seconds") or 0.0) for st in stages)
        o, b, gap = gaps.get(g, (None, None, None))
        notes = [st.get("note") or "" for st in stages]
        if not stages:
            how = "no search time: the solve stopped before this goal"
        elif gap is not None and gap <= 1e-9:
            how = "proven best" + (" without search (the first plan meets the bound)"
                                   if any("meets the bound" in n for n in notes) else "")
        elif secs < 0.05:
            how = "no search time: the value of the plan before"
        else:
            how = "searched, not proven: the bound is what is proven so far"
        rows.append({"goal": g, "value": o, "bound": b, "gap %": None if gap is None else 100 * gap,
                     "search s": round(secs, 1), "how": how})
    return pd.DataFrame(rows)


def headline_gap(plan: Plan) -> tuple[str | None, float | None]:
    """The gap to show on a KPI card: the first goal not proven optimal (else 0)."""
    gaps = goal_gaps(plan)
    for g, _, _, gap in gaps:
        if gap is None or gap > 1e-9:
            return g, gap
    return (gaps[0][0] if gaps else None), (0.0 if gaps else None)


def utc(scenario: Scenario, hour: float | None) -> str:
    """A C-hour as ``2020-01-01 06:30Z``."""
    if hour is None or (isinstance(hour, float) and math.isnan(hour)):
        return "-"
    t = pd.Timestamp(scenario.start).tz_convert("UTC") + pd.Timedelta(hours=float(hour))
    return t.strftime("%Y-%m-%d %H:%MZ")


# ----- closure per unit ---------------------------------------------------------------------
def closure_frame(plan: Plan, scenario: Scenario) -> pd.DataFrame:
    """One row per unit: ready, RDD, LAD, closure, lateness and a status."""
    res = {r.id: r for r in plan.units}
    rows = []
    for u in scenario.units:
        r = res.get(u.id)
        full = r is not None and all(v <= 1e-6 for v in r.undelivered.values())
        closure = r.closure_hour if r is not None else None
        late = r.late_hours if r is not None else None
        status = "not fully delivered" if not full else ("late" if (late or 0) > 1e-9 else "on time")
        rows.append({
            "unit": u.id, "name": u.name, "priority": u.priority, "ready": u.ready_hour,
            "rdd": scenario.rdd(u), "lad": scenario.lad(u), "closure": closure,
            "late_hours": late, "status": status,
            "destination": r.destination if r is not None else None,
            "undelivered_pax": r.undelivered.get("pax", 0) if r is not None else u.pax,
            "undelivered_stons": sum(v for k, v in r.undelivered.items() if k != "pax") if r else u.cargo_stons,
        })
    return pd.DataFrame(rows)


def closure_chart(plan: Plan, scenario: Scenario) -> alt.Chart:
    """Per unit: its window (ready to LAD), RDD and LAD ticks and its closure."""
    df = closure_frame(plan, scenario)
    for c in ("ready", "rdd", "lad"):
        df[f"{c}_dtg"] = dtgs(scenario, df[c])
    order = list(df.sort_values(["ready", "rdd"])["unit"])
    y = alt.Y("unit:N", sort=order, title=None)
    window = alt.Chart(df).mark_rule(color="#cfd8dc", strokeWidth=8).encode(
        y=y, x=alt.X("ready:Q", title=HOURS_TITLE), x2="lad:Q",
        tooltip=["unit", "name", "ready", alt.Tooltip("ready_dtg:N", title="ready DTG"), "rdd",
                 alt.Tooltip("rdd_dtg:N", title="RDD DTG"), "lad", alt.Tooltip("lad_dtg:N", title="LAD DTG")])
    marks = []
    for _, r in df.iterrows():
        marks.append({"unit": r["unit"], "hour": r["rdd"], "marker": "RDD (required)"})
        marks.append({"unit": r["unit"], "hour": r["lad"], "marker": "LAD (latest)"})
        if r["status"] == "not fully delivered":
            marks.append({"unit": r["unit"], "hour": r["lad"], "marker": "not fully delivered"})
        elif r["closure"] is not None and not pd.isna(r["closure"]):
            marks.append({"unit": r["unit"], "hour": r["closure"],
                          "marker": "closure, late" if r["status"] == "late" else "closure, on time"})
    mk = pd.DataFrame(marks)
    mk["dtg"], mk["c_day"] = dtgs(scenario, mk["hour"]), c_days(mk["hour"])
    mk = mk.merge(df[["unit", "destination", "late_hours", "undelivered_pax", "undelivered_stons"]],
                  on="unit", how="left")
    domain = ["RDD (required)", "LAD (latest)", "closure, on time", "closure, late", "not fully delivered"]
    color = alt.Color("marker:N", title=None, scale=alt.Scale(
        domain=domain, range=["#f9a825", "#6d4c41", STATUS_COLORS["on time"], STATUS_COLORS["late"],
                              STATUS_COLORS["not fully delivered"]]),
        legend=alt.Legend(orient="bottom"))
    tip = ["unit", "marker", alt.Tooltip("hour:Q", format=".1f"), alt.Tooltip("dtg:N", title="DTG"),
           alt.Tooltip("c_day:N", title="C-day"), "destination",
           alt.Tooltip("late_hours:Q", format=".1f"), "undelivered_pax",
           alt.Tooltip("undelivered_stons:Q", format=".1f")]
    is_tick = alt.FieldOneOfPredicate(field="marker", oneOf=domain[:2])
    ticks = alt.Chart(mk).transform_filter(is_tick).mark_tick(thickness=3, size=20).encode(
        y=y, x="hour:Q", color=color, tooltip=tip)
    shape = alt.Shape("marker:N", title=None, scale=alt.Scale(
        domain=domain[2:], range=["circle", "circle", "cross"]), legend=None)
    pts = alt.Chart(mk).transform_filter(~is_tick).mark_point(filled=True, size=150, opacity=1).encode(
        y=y, x="hour:Q", color=color, shape=shape, tooltip=tip)
    return (window + ticks + pts).properties(height=alt.Step(30))


# ----- mission timeline ---------------------------------------------------------------------
TIMELINE_COLUMNS = ["mission", "aircraft", "tail", "airfield", "start", "end", "activity", "what", "units",
                    "routing", "state", "start_dtg", "end_dtg"]
#: the activities of the airfield view (ground time only), coloured as in the airframe view
GROUND_ACTIVITIES = ["onload", "en-route stop", "offload"]
#: pixels per character of a bar label (10 px sans-serif) and the margin around it
LABEL_PX, LABEL_PAD = 5.8, 6.0


def timeline_frame(plan: Plan, scenario: Scenario, now: float | None = None) -> pd.DataFrame:
    """Bars of the Gantt: legs (loaded/empty) and ground time, per mission, with the
    airframe (``tail``, :func:`logistics.plan.tails.assign_tails`) that flies it and the
    DTGs of each bar's start and end; ``state`` says whether the mission had started by
    ``now`` (its onload began before it)."""
    tails = assign_tails(plan, scenario)
    tail = dict(zip(tails["mission"], tails["tail"], strict=True))
    rows = []
    for m in plan.missions:
        state = STARTED if now is not None and started(scenario, m, now) else NOT_STARTED
        common = {"mission": m.id, "aircraft": m.aircraft, "tail": tail.get(m.id, ""),
                  "units": ", ".join(m.unit_ids), "routing": m.routing, "state": state}
        loaded, positioning = m.loaded_legs, m.positioning_legs
        for af, a, b, kind in m.ground_intervals(scenario):
            rows.append({**common, "airfield": af, "start": a, "end": b,
                         "activity": {"enroute": "en-route stop"}.get(kind, kind), "what": f"{kind} at {af}"})
        for j, lg in enumerate(m.legs):
            act = "flying loaded" if j in loaded else "positioning" if j in positioning else "flying empty"
            rows.append({**common, "airfield": None, "start": lg.depart_hour, "end": lg.arrive_hour,
                         "activity": act, "what": f"{lg.frm} to {lg.to}" + (" (from home)" if j in positioning else "")})
    df = pd.DataFrame(rows, columns=TIMELINE_COLUMNS)
    df["start_dtg"], df["end_dtg"] = dtgs(scenario, df["start"]), dtgs(scenario, df["end"])
    return df


def _lanes(iv: pd.DataFrame) -> list[int]:
    """Greedy lanes so overlapping ground periods at one airfield sit on separate rows."""
    ends: list[float] = []
    lanes = []
    for a, b in zip(iv["start"], iv["end"], strict=True):
        for k, e in enumerate(ends):
            if e <= a + 1e-9:
                ends[k] = b
                lanes.append(k)
                break
        else:
            ends.append(b)
            lanes.append(len(ends) - 1)
    return lanes


def _now_layers(now: float | None) -> list[alt.Chart]:
    """The "now" rule and its label, at the top of a timeline (none without ``now``)."""
    if now is None or now <= 0:
        return []
    df = pd.DataFrame({"now": [float(now)], "label": [f"now h{now:g}"]})
    rule = alt.Chart(df).mark_rule(color=NOW_COLOR, strokeWidth=2, strokeDash=[6, 3]).encode(
        x="now:Q", tooltip=[alt.Tooltip("label:N", title="now")])
    text = alt.Chart(df).mark_text(color=NOW_COLOR, align="left", baseline="bottom", dx=4, dy=-2,
                                   fontWeight="bold").encode(x="now:Q", y=alt.value(0), text="label:N")
    return [rule, text]


def _started_stroke(df: pd.DataFrame) -> dict[str, Any]:
    """Bars of missions started by now get a dark outline, listed in the legend."""
    if not (df["state"] == STARTED).any():
        return {}
    return {"stroke": alt.Stroke("state:N", title=None, scale=alt.Scale(
                domain=[STARTED, NOT_STARTED], range=["#212121", "#cfd8dc"]),
                legend=alt.Legend(orient="bottom", symbolType="square", symbolStrokeWidth=2,
                                  symbolFillColor="#eceff1", labelLimit=260)),
            "strokeWidth": alt.StrokeWidth("state:N", scale=alt.Scale(
                domain=[STARTED, NOT_STARTED], range=[1.6, 0]), legend=None)}


def _timeline_tip() -> list[Any]:
    return ["mission", "aircraft", "tail", "what",
            alt.Tooltip("start:Q", format=".1f", title="start h"), alt.Tooltip("start_dtg:N", title="start DTG"),
            alt.Tooltip("end:Q", format=".1f", title="end h"), alt.Tooltip("end_dtg:N", title="end DTG"),
            "units", "routing", "state"]


def _activity_color(domain: list[str]) -> alt.Color:
    """Bars coloured by activity on an explicit scale: the legend shows the bars' colours."""
    return alt.Color("activity:N", title=None, scale=alt.Scale(
        domain=domain, range=[ACTIVITY_COLORS[a] for a in domain]), legend=alt.Legend(orient="bottom"))


def _tons(x: float) -> str:
    return f"{x:,.0f}" if x >= 9.95 else f"{x:.1f}"


def mission_label(m: Mission) -> tuple[str, str]:
    """``(label, short)`` of a mission's bar: ``2-504 · 120 pax · 35 st`` (troops and
    short tons of cargo aboard) and the units alone (``2-504``), for a narrow bar."""
    ids = list(m.unit_ids)
    who = (", ".join(ids[:2]) + (f" +{len(ids) - 2}" if len(ids) > 2 else "")) or "empty"
    bits = ([f"{m.pax:,} pax"] if m.pax else []) + ([f"{_tons(m.cargo_stons)} st"] if m.cargo_stons > 1e-9 else [])
    return " · ".join([who, *bits]), who


def airframe_labels(plan: Plan, scenario: Scenario, now: float | None = None) -> pd.DataFrame:
    """One row per mission on its airframe: ``tail``, the hours it holds it (``start``,
    ``end``) and their DTGs, its label (``(started)`` after it when the mission had
    started by ``now``) and short label and their widths in pixels."""
    tails = assign_tails(plan, scenario)
    by_id = {m.id: m for m in plan.missions}
    texts = [mission_label(by_id[i]) for i in tails["mission"]]
    out = tails.assign(label=[a for a, _ in texts], short=[b for _, b in texts])
    out["short_px"] = out["short"].str.len() * LABEL_PX + LABEL_PAD
    out["start_dtg"], out["end_dtg"] = dtgs(scenario, out["start"]), dtgs(scenario, out["end"])
    out["state"] = [STARTED if now is not None and started(scenario, by_id[i], now) else NOT_STARTED
                    for i in out["mission"]]
    out.loc[out["state"] == STARTED, "label"] += " (started)"
    out["label_px"] = out["label"].str.len() * LABEL_PX + LABEL_PAD
    return out


def _airfield_timeline(df: pd.DataFrame, now: float | None) -> alt.LayerChart:
    """Ground time only, a row per aircraft parking slot in use at each airfield."""
    g = df[df["airfield"].notna()].sort_values(["airfield", "start"]).copy()
    g["lane"] = 0
    for _af, idx in g.groupby("airfield").groups.items():
        g.loc[idx, "lane"] = _lanes(g.loc[idx])
    g["row"] = [f"{a} #{k + 1}" for a, k in zip(g["airfield"], g["lane"], strict=True)]
    order = sorted(g["row"].unique(), key=lambda r: (r.split(" #")[0], int(r.split("#")[1])))
    chart = alt.Chart(g).mark_bar(height={"band": 0.8}).encode(
        y=alt.Y("row:N", sort=order, title="airfield, parking slot",
                axis=alt.Axis(labelFontSize=10, labelOverlap=False)),
        x=alt.X("start:Q", title=HOURS_TITLE), x2="end:Q",
        color=_activity_color(GROUND_ACTIVITIES), tooltip=_timeline_tip(), **_started_stroke(g))
    return alt.layer(chart, *_now_layers(now)).properties(height=alt.Step(16))


def _airframe_timeline(df: pd.DataFrame, plan: Plan, scenario: Scenario, now: float | None) -> alt.LayerChart:
    """A row per airframe, its missions' bars on it, each labelled with what it carries:
    two text layers, the label where the bar is wide enough for it (in pixels, as drawn),
    else the short label where that fits, else none."""
    lab = airframe_labels(plan, scenario, now)
    order = list(dict.fromkeys(lab["tail"]))
    y = alt.Y("tail:N", sort=order, title="airframe",
              axis=alt.Axis(labelFontSize=10, labelLimit=220, labelOverlap=False))
    bars = alt.Chart(df).mark_bar(height={"band": 0.45}, yOffset=5).encode(
        y=y, x=alt.X("start:Q", title=HOURS_TITLE), x2="end:Q",
        color=_activity_color(list(ACTIVITY_COLORS)), tooltip=_timeline_tip(), **_started_stroke(df))
    room = "scale('x', datum.end) - scale('x', datum.start)"
    tip = ["tail", "mission", "aircraft", "label",
           alt.Tooltip("start:Q", format=".1f", title="holds from h"), alt.Tooltip("start_dtg:N", title="from DTG"),
           alt.Tooltip("end:Q", format=".1f", title="to h"), alt.Tooltip("end_dtg:N", title="to DTG")]
    texts = []
    for field, test in (("label", f"{room} >= datum.label_px"),
                        ("short", f"{room} < datum.label_px && {room} >= datum.short_px")):
        texts.append(alt.Chart(lab).mark_text(align="left", baseline="bottom", dx=2, dy=-3, fontSize=10,
                                              color="#263238").encode(
            y=y, x="start:Q", text=f"{field}:N", tooltip=tip,
            opacity=alt.condition(test, alt.value(1.0), alt.value(0.0))))
    return alt.layer(bars, *texts, *_now_layers(now)).properties(height=alt.Step(30))


def timeline_chart(plan: Plan, scenario: Scenario, by: str = "aircraft", now: float | None = None) -> alt.Chart:
    """Gantt of missions: by aircraft (a row per airframe, :func:`airframe_labels`, its
    missions' bars labelled with troops and tons aboard) or by airfield (ground time
    only, a row per aircraft parking slot in use). Bars are coloured by activity, the
    legend on the same scale. With ``now`` (hours), a dashed "now" rule, and the
    missions started by then outlined."""
    df = timeline_frame(plan, scenario, now)
    if df.empty:
        return alt.Chart(pd.DataFrame({"x": []})).mark_text().properties(height=60)
    if by == "airfield":
        return _airfield_timeline(df, now)
    return _airframe_timeline(df, plan, scenario, now)


# ----- step series ----------------------------------------------------------------------------
#: small multiples: panels a row and the width of a panel's plot, pixels
PANEL_COLUMNS, PANEL_WIDTH = 3, 260


def small_multiples(base: alt.Chart, key: str, names: list[str], height: int) -> alt.ConcatChart:
    """A panel of ``base`` (``hour`` against ``value``) per name of ``names`` (the rows whose
    ``key`` is that name), :data:`PANEL_COLUMNS` a row, one hour scale and one aircraft
    scale for all. Panels are concatenated, not faceted: a facet with ``columns`` draws the
    hour axis of a missing panel under the gap where it would be. Each panel has its own
    hour axis, titled under the bottom panel of each column; the first column labels and
    titles the aircraft axis. The aircraft scale reaches above the highest value, so that
    no line runs along a panel's top edge (one there lifted that panel's title above the
    others')."""
    values = base.data["value"] if isinstance(base.data, pd.DataFrame) else pd.Series(dtype=float)
    high = float(values.max()) if len(values) else 0.0
    top = high + max(1.0, 0.05 * high)  # a whole aircraft (or 5 %) above the highest line
    panels = []
    for i, name in enumerate(names):
        bottom, first = i + PANEL_COLUMNS >= len(names), i % PANEL_COLUMNS == 0
        panels.append(base.transform_filter(alt.datum[key] == name).encode(
            x=alt.X("hour:Q", title=HOURS_TITLE if bottom else None),
            y=alt.Y("value:Q", title="aircraft" if first else None, scale=alt.Scale(domain=[0, top], nice=False),
                    axis=alt.Axis(labels=first, ticks=False, tickCount=6, tickMinStep=1)),
        ).properties(width=PANEL_WIDTH, height=height, title=alt.TitleParams(
            name, anchor="middle", frame="group", fontSize=11, fontWeight="normal", color="#546e7a")))
    return alt.concat(*panels, columns=PANEL_COLUMNS).resolve_scale(x="shared", y="shared")


def _extend(df: pd.DataFrame, key: str, end: float) -> pd.DataFrame:
    """Repeat each series' last row at ``end`` so step lines reach the right edge."""
    if df.empty:
        return df
    last = df.sort_values("hour").groupby(key, as_index=False).tail(1).copy()
    last = last[last["hour"] < end]
    last["hour"] = end
    return pd.concat([df, last], ignore_index=True).sort_values([key, "hour"])


def ground_chart(plan: Plan, scenario: Scenario) -> alt.Chart:
    """Aircraft on the ground per airfield over time against its MOG (dashed)."""
    df = plan.ground_occupancy(scenario)
    if df.empty:
        return alt.Chart(pd.DataFrame({"x": []})).mark_text()
    end = max(float(scenario.horizon_hours), float(df["hour"].max()))
    df = _extend(df, "airfield", end)
    long = pd.concat([
        df.assign(series="on the ground", value=df["on_ground"]),
        df.assign(series="MOG", value=df["mog"]),
    ], ignore_index=True)[["airfield", "hour", "series", "value"]]
    long["dtg"] = dtgs(scenario, long["hour"])
    base = alt.Chart(long).encode(
        color=alt.Color("series:N", title=None, scale=alt.Scale(
            domain=["on the ground", "MOG"], range=["#1565c0", "#c62828"]),
            legend=alt.Legend(orient="bottom")),
        strokeDash=alt.StrokeDash("series:N", scale=alt.Scale(
            domain=["on the ground", "MOG"], range=[[1, 0], [6, 3]]), legend=None),
        tooltip=["airfield", "series", alt.Tooltip("hour:Q", format=".1f"), alt.Tooltip("dtg:N", title="DTG"),
                 "value"]).mark_line(interpolate="step-after")
    return small_multiples(base, "airfield", sorted(long["airfield"].unique()), height=140)


def fleet_chart(plan: Plan, scenario: Scenario) -> alt.Chart:
    """Aircraft in use per type over time against the pool available."""
    df = plan.fleet_use(scenario)
    if df.empty:
        return alt.Chart(pd.DataFrame({"x": []})).mark_text()
    end = max(float(scenario.horizon_hours), float(df["hour"].max()))
    df = _extend(df, "aircraft", end)
    long = pd.concat([
        df.assign(series="in use", value=df["in_use"]),
        df.assign(series="pool", value=df["pool"]),
    ], ignore_index=True)[["aircraft", "hour", "series", "value"]]
    long["dtg"] = dtgs(scenario, long["hour"])
    base = alt.Chart(long).encode(
        color=alt.Color("series:N", title=None, scale=alt.Scale(
            domain=["in use", "pool"], range=["#1565c0", "#c62828"]),
            legend=alt.Legend(orient="bottom")),
        strokeDash=alt.StrokeDash("series:N", scale=alt.Scale(
            domain=["in use", "pool"], range=[[1, 0], [6, 3]]), legend=None),
        tooltip=["aircraft", "series", alt.Tooltip("hour:Q", format=".1f"), alt.Tooltip("dtg:N", title="DTG"),
                 "value"]).mark_line(interpolate="step-after")
    return small_multiples(base, "aircraft", list(dict.fromkeys(long["aircraft"])), height=160)


def missions_by_type_chart(counts: pd.DataFrame) -> alt.Chart:
    """Grouped bars: missions per aircraft type per variant (``variant, aircraft, missions``)."""
    order = list(dict.fromkeys(counts["variant"]))  # as picked, baseline first
    return alt.Chart(counts).mark_bar().encode(
        x=alt.X("aircraft:N", title=None),
        xOffset=alt.XOffset("variant:N", sort=order),
        y=alt.Y("missions:Q"),
        color=alt.Color("variant:N", sort=order, legend=alt.Legend(orient="bottom")),
        tooltip=["variant", "aircraft", "missions"],
    ).properties(height=260)
