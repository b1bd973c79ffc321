"""Charts and the route map of a plan: altair and pydeck objects, no Streamlit.

Every function takes a :class:`~logistics.plan.Plan` and the
:class:`~logistics.scenario.Scenario` it answers and returns a chart object (or the
DataFrame behind it), so pages only place them and tests can build them headless.
The map uses no tile server: ``map_provider=None`` and a bundled land outline
(``data/maps/land.geojson``) drawn as a GeoJsonLayer.
"""

from __future__ import annotations

import json
import math
from functools import cache
from pathlib import Path
from typing import Any

import altair as alt
import pandas as pd
import pydeck as pdk

from logistics.catalog import data_dir
from logistics.plan import Plan
from logistics.replan import started
from logistics.scenario import Scenario

HOURS_TITLE = "hours from C-hour 0"
STATUS_COLORS = {"on time": "#2e7d32", "late": "#ef6c00", "not fully delivered": "#c62828"}
#: a mission's state at the planner's "now" (timeline charts)
STARTED, NOT_STARTED = "started by now (kept as flown)", "not started"
NOW_COLOR = "#d32f2f"
ACTIVITY_COLORS = {
    "onload": "#90caf9", "flying loaded": "#1565c0", "en-route stop": "#bdbdbd",
    "offload": "#ffb74d", "flying empty": "#78909c",
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
    order = list(df.sort_values(["ready", "rdd"])["unit"])
    y = alt.Y("unit:N", sort=order, title=None)
    window = alt.Chart(df).mark_rule(color="#cfd8dc", strokeWidth=8).encode(
        y=y, x=alt.X("ready:Q", title=HOURS_TITLE), x2="lad:Q",
        tooltip=["unit", "name", "ready", "rdd", "lad"])
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
    mk = mk.merge(df[["unit", "destination", "late_hours", "undelivered_pax", "undelivered_stons"]],
                  on="unit", how="left")
    domain = ["RDD (required)", "LAD (latest)", "closure, on time", "closure, late", "not fully delivered"]
    color = alt.Color("marker:N", title=None, scale=alt.Scale(
        domain=domain, range=["#f9a825", "#6d4c41", STATUS_COLORS["on time"], STATUS_COLORS["late"],
                              STATUS_COLORS["not fully delivered"]]),
        legend=alt.Legend(orient="bottom"))
    tip = ["unit", "marker", alt.Tooltip("hour:Q", format=".1f"), "destination",
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
def timeline_frame(plan: Plan, scenario: Scenario, now: float | None = None) -> pd.DataFrame:
    """Bars of the Gantt: legs (loaded/empty) and ground time, per mission; ``state``
    says whether the mission had started by ``now`` (its onload began before it)."""
    rows = []
    for m in plan.missions:
        state = STARTED if now is not None and started(scenario, m, now) else NOT_STARTED
        ia = m._arrival_index
        for af, a, b, kind in m.ground_intervals(scenario):
            rows.append({"mission": m.id, "aircraft": m.aircraft, "airfield": af, "start": a, "end": b,
                         "activity": {"enroute": "en-route stop"}.get(kind, kind),
                         "what": f"{kind} at {af}", "units": ", ".join(m.unit_ids),
                         "routing": m.routing, "state": state})
        for j, lg in enumerate(m.legs):
            loaded = ia is not None and j <= ia
            rows.append({"mission": m.id, "aircraft": m.aircraft, "airfield": None,
                         "start": lg.depart_hour, "end": lg.arrive_hour,
                         "activity": "flying loaded" if loaded else "flying empty",
                         "what": f"{lg.frm} to {lg.to}", "units": ", ".join(m.unit_ids),
                         "routing": m.routing, "state": state})
    return pd.DataFrame(rows, columns=["mission", "aircraft", "airfield", "start", "end", "activity",
                                       "what", "units", "routing", "state"])


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


def timeline_chart(plan: Plan, scenario: Scenario, by: str = "aircraft", now: float | None = None) -> alt.Chart:
    """Gantt of missions: by aircraft (a row per mission, grouped by type) or by airfield
    (ground time only, a row per aircraft parking slot in use). With ``now`` (hours), a
    dashed "now" rule, and the missions started by then outlined and, by aircraft,
    labelled "started"."""
    df = timeline_frame(plan, scenario, now)
    tip = ["mission", "aircraft", "what", alt.Tooltip("start:Q", format=".1f"),
           alt.Tooltip("end:Q", format=".1f"), "units", "routing", "state"]
    if df.empty:
        return alt.Chart(pd.DataFrame({"x": []})).mark_text().properties(height=60)
    if by == "airfield":
        g = df[df["airfield"].notna()].sort_values(["airfield", "start"]).copy()
        g["lane"] = 0
        for _af, idx in g.groupby("airfield").groups.items():
            g.loc[idx, "lane"] = _lanes(g.loc[idx])
        g["row"] = [f"{a} #{k + 1}" for a, k in zip(g["airfield"], g["lane"], strict=True)]
        order = sorted(g["row"].unique(), key=lambda r: (r.split(" #")[0], int(r.split("#")[1])))
        chart = alt.Chart(g).mark_bar(height={"band": 0.8}).encode(
            y=alt.Y("row:N", sort=order, title="airfield, parking slot"),
            x=alt.X("start:Q", title=HOURS_TITLE), x2="end:Q",
            color=alt.Color("aircraft:N", legend=alt.Legend(orient="bottom")),
            opacity=alt.Opacity("activity:N", scale=alt.Scale(
                domain=["onload", "en-route stop", "offload"], range=[0.55, 0.8, 1.0]),
                legend=alt.Legend(orient="bottom")),
            tooltip=tip, **_started_stroke(g))
        return alt.layer(chart, *_now_layers(now)).properties(height=alt.Step(16))
    starts = df.groupby("mission")["start"].min()
    order_df = df[["mission", "aircraft", "state"]].drop_duplicates().assign(
        t=lambda x: x["mission"].map(starts))
    order_df = order_df.sort_values(["aircraft", "t"])

    def label(aircraft: pd.Series, mission: pd.Series, state: pd.Series) -> pd.Series:
        return aircraft + " " + mission + state.map({STARTED: " (started)"}).fillna("")

    df["row"] = label(df["aircraft"], df["mission"], df["state"])
    order = list(label(order_df["aircraft"], order_df["mission"], order_df["state"]))
    chart = alt.Chart(df).mark_bar(height={"band": 0.8}).encode(
        y=alt.Y("row:N", sort=order, title="aircraft, mission",
                axis=alt.Axis(labelFontSize=10, labelLimit=220, labelOverlap=False)),
        x=alt.X("start:Q", title=HOURS_TITLE), x2="end:Q",
        color=alt.Color("activity:N", title=None, scale=alt.Scale(
            domain=list(ACTIVITY_COLORS), range=list(ACTIVITY_COLORS.values())),
            legend=alt.Legend(orient="bottom")),
        tooltip=tip, **_started_stroke(df))
    return alt.layer(chart, *_now_layers(now)).properties(height=alt.Step(16))


# ----- step series ----------------------------------------------------------------------------
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
    base = alt.Chart(long).encode(
        x=alt.X("hour:Q", title=HOURS_TITLE),
        y=alt.Y("value:Q", title="aircraft"),
        color=alt.Color("series:N", title=None, scale=alt.Scale(
            domain=["on the ground", "MOG"], range=["#1565c0", "#c62828"]),
            legend=alt.Legend(orient="bottom")),
        strokeDash=alt.StrokeDash("series:N", scale=alt.Scale(
            domain=["on the ground", "MOG"], range=[[1, 0], [6, 3]]), legend=None),
        tooltip=["airfield", "series", alt.Tooltip("hour:Q", format=".1f"), "value"])
    line = base.mark_line(interpolate="step-after")
    return line.properties(width=260, height=140).facet(
        facet=alt.Facet("airfield:N", title=None), columns=3)


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
    base = alt.Chart(long).encode(
        x=alt.X("hour:Q", title=HOURS_TITLE),
        y=alt.Y("value:Q", title="aircraft"),
        color=alt.Color("series:N", title=None, scale=alt.Scale(
            domain=["in use", "pool"], range=["#1565c0", "#c62828"]),
            legend=alt.Legend(orient="bottom")),
        strokeDash=alt.StrokeDash("series:N", scale=alt.Scale(
            domain=["in use", "pool"], range=[[1, 0], [6, 3]]), legend=None),
        tooltip=["aircraft", "series", alt.Tooltip("hour:Q", format=".1f"), "value"])
    return base.mark_line(interpolate="step-after").properties(width=260, height=160).facet(
        facet=alt.Facet("aircraft:N", title=None), columns=3)


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


# ----- the map --------------------------------------------------------------------------------
def land_path() -> Path:
    """The bundled land outline (GeoJSON)."""
    return data_dir() / "maps" / "land.geojson"


@cache
def land_geojson() -> dict[str, Any]:
    """The bundled land outline, or an empty collection if it is missing."""
    p = land_path()
    if not p.exists():
        return {"type": "FeatureCollection", "features": []}
    return json.loads(p.read_text(encoding="utf-8"))


def route_frames(plan: Plan, scenario: Scenario) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``(routes, airfields)``: loaded legs summed by (from, to) with tons and missions;
    every airfield the scenario uses with its role."""
    pw = scenario.pax_weight_stons
    agg: dict[tuple[str, str], dict[str, Any]] = {}
    for m in plan.missions:
        ia = m._arrival_index
        if ia is None:
            continue
        tons = m.payload_stons(pw)
        for lg in m.legs[: ia + 1]:
            a = agg.setdefault((lg.frm, lg.to), {"tons": 0.0, "pax": 0, "missions": 0})
            a["tons"] += tons
            a["pax"] += m.pax
            a["missions"] += 1
    rows = []
    for (f, t), a in agg.items():
        try:
            fa, ta = scenario.airfield(f), scenario.airfield(t)
        except KeyError:
            continue
        rows.append({"from": f, "to": t, "from_lon": fa.lon, "from_lat": fa.lat, "to_lon": ta.lon,
                     "to_lat": ta.lat, "tons": round(a["tons"], 1), "pax": a["pax"],
                     "missions": a["missions"]})
    routes = pd.DataFrame(rows, columns=["from", "to", "from_lon", "from_lat", "to_lon", "to_lat",
                                         "tons", "pax", "missions"])
    if not routes.empty:
        top = max(routes["tons"].max(), 1e-9)
        routes["width"] = 2 + 12 * routes["tons"] / top
        routes["tip"] = [f"{f} → {t}: {w:,.0f} st in {n} missions ({p:,} soldiers)"
                         for f, t, w, n, p in zip(routes["from"], routes["to"], routes["tons"],
                                                  routes["missions"], routes["pax"], strict=True)]
    else:
        routes["width"] = []
        routes["tip"] = []
    origins = {u.origin for u in scenario.units}
    dests = {d.airfield for d in scenario.destinations} | {d for u in scenario.units for d in u.destinations}
    stops = set(scenario.enroute)
    used_dest = {r.destination for r in plan.units if r.destination}
    af_rows = []
    for code in scenario.airfield_codes:
        a = scenario.airfield(code)
        role = "origin" if code in origins else "destination" if code in dests else "en-route stop"
        if code in stops and role != "origin":
            role = "en-route stop" if code not in dests else role
        color = {"origin": [21, 101, 192], "destination": [198, 40, 40],
                 "en-route stop": [97, 97, 97]}[role]
        if role == "destination" and code not in used_dest:
            color = [239, 154, 154]
        af_rows.append({"icao": code, "name": a.name, "lon": a.lon, "lat": a.lat, "role": role,
                        "mog": a.mog, "color": color,
                        "tip": f"{code} {a.name}: {role}, MOG {a.mog}"})
    return routes, pd.DataFrame(af_rows)


def _view(airfields: pd.DataFrame, width_px: float = 900) -> pdk.ViewState:
    if airfields.empty:
        return pdk.ViewState(latitude=30, longitude=0, zoom=1)
    lo0, lo1 = airfields["lon"].min(), airfields["lon"].max()
    la0, la1 = airfields["lat"].min(), airfields["lat"].max()
    span = max(lo1 - lo0, (la1 - la0) * 1.6, 4.0) * 1.25
    zoom = max(0.5, min(8.0, math.log2(width_px * 360 / (512 * span))))
    return pdk.ViewState(latitude=(la0 + la1) / 2, longitude=(lo0 + lo1) / 2, zoom=zoom)


def route_deck(plan: Plan, scenario: Scenario) -> pdk.Deck:
    """The route map: land outline, arcs weighted by tons, airfields by role.

    ``map_provider=None`` with pydeck's default style sentinel: Streamlit then draws no
    base map (passing ``map_style=None`` would make it fetch a CARTO style). Layer
    options are numbers or lists: pydeck turns every string into an accessor
    expression, so ``width_units="pixels"`` would not mean what it says.
    """
    routes, afs = route_frames(plan, scenario)
    ocean = pdk.Layer(
        "PolygonLayer", id="ocean",
        data=[{"polygon": [[-180, -85], [180, -85], [180, 85], [-180, 85]]}],
        get_polygon="polygon", get_fill_color=[226, 238, 246], stroked=False, pickable=False)
    land = pdk.Layer(
        "GeoJsonLayer", id="land", data=land_geojson(), filled=True, stroked=True,
        get_fill_color=[246, 244, 236], get_line_color=[170, 170, 160], line_width_min_pixels=1,
        pickable=False)
    arcs = pdk.Layer(
        "ArcLayer", id="routes", data=routes, get_source_position=["from_lon", "from_lat"],
        get_target_position=["to_lon", "to_lat"], get_width="width",
        get_source_color=[21, 101, 192, 200], get_target_color=[239, 108, 0, 220],
        get_height=0.35, great_circle=True, pickable=True)
    dots = pdk.Layer(
        "ScatterplotLayer", id="airfields", data=afs, get_position=["lon", "lat"],
        get_fill_color="color", get_line_color=[255, 255, 255], stroked=True,
        line_width_min_pixels=1, get_radius=1, radius_min_pixels=7, radius_max_pixels=7,
        pickable=True)
    labels = pdk.Layer(
        "TextLayer", id="labels", data=afs, get_position=["lon", "lat"], get_text="icao",
        get_size=12, get_color=[33, 33, 33], get_pixel_offset=[0, -14], pickable=False)
    tooltip = {"text": "{tip}", "style": {"fontSize": "12px"}}
    return pdk.Deck(layers=[ocean, land, arcs, dots, labels], initial_view_state=_view(afs),
                    map_provider=None, tooltip=tooltip)
