"""Plan page: KPIs, closure per unit, mission timeline, airfield ground vs MOG, fleet in
use, the route map, the findings in plain words, tables and downloads; the planner's
"now", what changed since the plan was made and a re-plan from now (app.replan_panel);
what relaxing each binding limit would buy (app.levers_panel)."""

from __future__ import annotations

import json
import os
import re
import tempfile

import streamlit as st

from app import charts, levers_panel, plan_upload, replan_panel, state, times
from logistics.formats import plan_geojson, plan_kml

ss = st.session_state
state.init()
state.validate()
state.collect()

st.title("Plan")
plan_upload.render()

plan = state.plan()
scen = state.plan_scenario()
if plan is None or scen is None:
    st.info("No plan yet: solve the scenario first, or open a plan file above.", icon=":material/info:")
    st.page_link("views/solve.py", label="Go to the Solve page", icon=":material/play_circle:")
    st.stop()

current = state.scenario()
if current is not None and current.content_sha256() != scen.content_sha256():
    st.info(f"This plan answers **{scen.name}** as it was when solved; the scenario has been "
            "edited since. Solve again to plan the edited version.", icon=":material/history:")

# ----- KPI cards --------------------------------------------------------------------------------
k = plan.kpis
prev = ss.get("previous_kpis")


def delta(key: str, fmt: str = "{:+,.1f}") -> str | None:
    if not prev or prev.get(key) is None or k.get(key) is None:
        return None
    dv = k[key] - prev[key]
    return None if abs(dv) < 1e-9 else fmt.format(dv)


ch = k.get("closure_hour")
goal, gap = charts.headline_gap(plan)
n_units = len(plan.units)
row1 = st.columns(4)
row1[0].metric("Force closure", "-" if ch is None else f"h{ch:.1f}", delta=delta("closure_hour"),
               delta_color="inverse", delta_description=times.caption(scen, ch),
               help=f"Last load lands at {charts.utc(scen, ch)}: hours from C-hour 0, the Zulu "
                    "date-time group and the C-day (C+0 is the first 24 hours)", border=True, height="stretch")
# the cards of the row as tall as the closure card with its DTG line
row1[1].metric("Late units", f"{k.get('late_units', 0)} of {n_units}", delta=delta("late_units", "{:+d}"),
               delta_color="inverse", border=True, height="stretch")
row1[2].metric("Undelivered soldiers", f"{k.get('undelivered_pax', 0):,}",
               delta=delta("undelivered_pax", "{:+,d}"), delta_color="inverse", border=True, height="stretch")
row1[3].metric("Undelivered st", f"{k.get('undelivered_stons', 0):,.1f}",
               delta=delta("undelivered_stons"), delta_color="inverse", border=True, height="stretch")
row2 = st.columns(4)
row2[0].metric("Missions", f"{k.get('missions', 0)}", delta=delta("missions", "{:+d}"),
               delta_color="off", border=True)
row2[1].metric("Flying hours", f"{k.get('flying_hours', 0):,.0f}", delta=delta("flying_hours", "{:+,.0f}"),
               delta_color="off", border=True)
row2[2].metric("Status", plan.status, help=f"Solved in {plan.solve.seconds:.1f} s ({plan.solve.solver})",
               border=True)
row2[3].metric(f"Gap ({goal})" if goal and gap else "Gap", "-" if gap is None else f"{100 * gap:.1f} %",
               help="Relative gap between the plan and the best bound, for the first goal not "
                    f"proven optimal ({goal}). " + "; ".join(
                        f"{g}: {'-' if o is None else f'{o:,.2f}'} (bound {'-' if b is None else f'{b:,.2f}'})"
                        for g, o, b, _ in charts.goal_gaps(plan)),
               border=True)

with st.expander("Every goal: value, bound, gap and search time", expanded=gap is not None and gap > 1e-9):
    st.dataframe(charts.goal_table(plan, list(scen.objective)), hide_index=True, width="stretch",
                 column_config={"value": st.column_config.NumberColumn(format="%.2f"),
                                "bound": st.column_config.NumberColumn(format="%.2f"),
                                "gap %": st.column_config.NumberColumn("gap", format="%.1f %%",
                                                                       help="(value − bound) / value")})

replan_panel.replan_result(plan, scen)

# ----- save as variant + downloads ----------------------------------------------------------------
v1, v2 = st.columns([3, 2], gap="large", vertical_alignment="bottom")
with v1, st.form("save_variant_plan", clear_on_submit=True, border=False):
    f1, f2 = st.columns([3, 1], vertical_alignment="bottom")
    vname = f1.text_input("Save this plan as a variant", placeholder=state.suggest_variant_name(),
                          key="variant_name_plan")
    if f2.form_submit_button("Save variant", icon=":material/bookmark_add:"):
        v = state.save_variant(vname or state.suggest_variant_name())
        if v is not None:
            st.toast(f"Saved as variant “{v.name}”")

slug = re.sub(r"[^A-Za-z0-9]+", "-", plan.scenario_name).strip("-").lower() or "plan"


def excel_bytes() -> bytes:
    fd, path = tempfile.mkstemp(suffix=".xlsx")
    os.close(fd)
    try:
        plan.to_excel(path, scen)
        with open(path, "rb") as fh:
            return fh.read()
    finally:
        os.unlink(path)


with v2:
    d1, d2, d3 = st.columns(3)
    d1.download_button("JSON", plan.to_json(), file_name=f"{slug}-plan.json",
                       mime="application/json", icon=":material/download:", key="dl_json", width="stretch")
    d2.download_button("CSV", plan.flat_df(scen).to_csv(index=False), file_name=f"{slug}-plan.csv",
                       mime="text/csv", icon=":material/download:", key="dl_csv", width="stretch")
    d3.download_button("Excel", excel_bytes, file_name=f"{slug}-plan.xlsx",
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                       icon=":material/download:", key="dl_xlsx", width="stretch")
    g1, g2 = st.columns(2)
    g1.download_button("GeoJSON", lambda: json.dumps(plan_geojson(scen, plan), indent=1),
                       file_name=f"{slug}-routes.geojson", mime="application/geo+json",
                       icon=":material/map:", key="dl_geojson", width="stretch",
                       help="Airfields and mission routes for a map tool (QGIS, geojson.io)")
    g2.download_button("KML", lambda: plan_kml(scen, plan), file_name=f"{slug}-routes.kml",
                       mime="application/vnd.google-earth.kml+xml", icon=":material/map:", key="dl_kml",
                       width="stretch", help="Airfields and mission routes for Google Earth")

# ----- now, what changed, re-plan ------------------------------------------------------------------
with st.container(border=True):
    now = replan_panel.now_input(plan, scen)
    pending = len(replan_panel.events())
    with st.expander(f"What changed? Events to write into the scenario{f' ({pending} pending)' if pending else ''}",
                     expanded=bool(pending or ss.get("replan_event_problems")), icon=":material/event_note:"):
        replan_panel.events_editor(current if current is not None else scen, now)
    replan_panel.replan_controls(plan, now)

# ----- findings -------------------------------------------------------------------------------------
KIND_LABEL = {"mog": "airfield MOG", "fleet": "fleet", "crew": "crew hours", "range": "range",
              "beddown": "beddown", "window": "window", "readiness": "readiness", "runway": "runway",
              "cargo_class": "cargo class", "horizon": "horizon"}
KIND_COLOR = {"mog": "orange", "fleet": "blue", "crew": "violet", "range": "gray", "beddown": "green",
              "window": "red", "readiness": "gray", "runway": "gray", "cargo_class": "gray",
              "horizon": "red"}
with st.expander(f"What limits this plan ({len(plan.findings)} finding"
                 f"{'s' if len(plan.findings) != 1 else ''})", expanded=True, icon=":material/lightbulb:"):
    if not plan.findings:
        st.markdown("No binding limit found: every unit closes on time.")
    lines = []
    for f in plan.findings:
        badge = f":{KIND_COLOR.get(f.kind, 'gray')}-badge[{KIND_LABEL.get(f.kind, f.kind)}]"
        who = f" — units: {', '.join(f.units)}" if f.units and len(f.units) <= 8 else (
            f" — {len(f.units)} units" if f.units else "")
        lines.append(f"- {badge} {f.message}{who}")
    if lines:
        st.markdown("\n".join(lines[:40]))
        if len(lines) > 40:
            st.caption(f"… and {len(lines) - 40} more (see the findings table in the Excel export).")
levers_panel.render(plan, scen)

# ----- charts and tables --------------------------------------------------------------------------
tabs = st.tabs(["Closure", "Timeline", "Airfields vs MOG", "Fleet", "Map", "Tables"])
with tabs[0]:
    st.caption("Per unit: the band runs from ready (ALD) to LAD; the marks are its RDD, LAD and "
               "closure (its last soldier and ton landed).")
    st.altair_chart(charts.closure_chart(plan, scen), width="stretch")
with tabs[1]:
    by = st.segmented_control("Show", ["by airframe", "by airfield"], default="by airframe",
                              key="timeline_by")
    hover = "Hover a bar for its times as hours, Zulu DTG and C-day."
    if by == "by airfield":
        st.caption(f"Ground time at each airfield, a row per parking slot in use, coloured by activity. {hover}")
    else:
        st.caption("A row per airframe, each mission labelled with the units, troops and short tons aboard. "
                   "Tail numbers are given here, not by the plan: each mission goes to the lowest-numbered "
                   f"aircraft of its type (and home base) that is free by then. {hover}")
    st.altair_chart(charts.timeline_chart(plan, scen, "airfield" if by == "by airfield" else "aircraft",
                                          now=now), width="stretch")
with tabs[2]:
    st.caption("Aircraft on the ground at each airfield (onload, en-route stops, offload) against "
               "its MOG (dashed).")
    st.altair_chart(charts.ground_chart(plan, scen))
with tabs[3]:
    st.caption("Aircraft holding a mission (onload to return) per type against the pool available.")
    st.altair_chart(charts.fleet_chart(plan, scen))
with tabs[4]:
    st.caption("Loaded legs, arc width by tons carried; blue = origins, grey = en-route stops, "
               "red = destinations (pale: unused); where airfields are too close to label all, "
               "hover a dot for its code and times. Offline outline: Natural Earth 1:110m.")
    st.pydeck_chart(charts.route_deck(plan, scen), height=520)
with tabs[5]:
    which = st.segmented_control("Table", ["missions", "units", "loads", "legs"], default="missions",
                                 key="plan_table")
    hour_cols = {c: st.column_config.NumberColumn(c, format="%.2f")
                 for c in ("onload_hour", "depart_hour", "arrive_hour", "end_hour", "flying_hours",
                           "closure_hour", "late_hours", "hours", "ready_hour", "rdd", "lad")}
    hour_cols |= {c: st.column_config.TextColumn(c, help="Zulu date-time group of the hour on its left")
                  for c in times.DTG_OF.values()}
    hour_cols["c_day"] = st.column_config.TextColumn("C-day", help="C+0: hours 0-24 from C-hour, C+1: 24-48, ...")
    if which == "units":
        df = plan.units_df(scen)
    elif which == "loads":
        df = plan.loads_df(scen)
    elif which == "legs":
        df = plan.legs_df(scen)
    else:
        df = plan.missions_df(scen)
    df = times.beside_hours(df, scen)
    # the columns that name a mission or a unit wide enough for their ids; the first kept in view
    for c in ("id", "mission", "unit"):
        if c in df.columns:
            hour_cols[c] = st.column_config.TextColumn(c, width=min(320, times.fit_width(c, df[c])),
                                                       pinned=c == df.columns[0])
    # as tall as its rows (a header and 35 px a row), no empty rows under them; 11 rows and it scrolls
    st.dataframe(df, hide_index=True, width="stretch", column_config=hour_cols, placeholder="—",
                 height=min(420, 35 * (len(df) + 1) + 3))
