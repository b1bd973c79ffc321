"""Compare page: save plans as named variants and put them side by side: each variant's
edits against the baseline's scenario, KPIs, goal values against their proven bounds
(solver noise), closure per unit, units that changed destination, missions by type.
The baseline comes first, then the variants in the order they were saved."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app import charts, mission_changes, page_charts, state, times
from logistics.diff import scenario_diff

ss = st.session_state
state.init()
state.validate()
state.collect()

st.title("Compare variants")

CURRENT = "(current plan)"

with st.form("save_variant_compare", clear_on_submit=True, border=False):
    f1, f2 = st.columns([3, 1], vertical_alignment="bottom")
    vname = f1.text_input("Save the current plan as a variant", placeholder=state.suggest_variant_name(),
                          key="variant_name_compare", disabled=state.plan() is None)
    if f2.form_submit_button("Save variant", icon=":material/bookmark_add:", disabled=state.plan() is None):
        v = state.save_variant(vname or state.suggest_variant_name())
        if v is not None:
            st.toast(f"Saved as variant “{v.name}”")

variants = state.variants()
# in the order they were saved (a variant saved again under its name moves to its new place)
saved = sorted(variants.values(), key=lambda v: v.saved_at)
entries: dict[str, tuple] = {v.name: (v.plan, v.scenario) for v in saved}
if state.plan() is not None and not any(v.plan is state.plan() for v in variants.values()):
    entries[CURRENT] = (state.plan(), state.plan_scenario())

if len(entries) < 2:
    st.info("Save at least two variants (or one variant and a new current plan) to compare them: "
            "solve, save, change the scenario, solve again.", icon=":material/info:")
    if not entries:
        st.stop()

names = list(entries)
p1, p2 = st.columns([1, 2])
base = p1.selectbox("Baseline", names, index=0, key="compare_base",
                    help="The plan the others are measured against; the first saved by default.")
others = [n for n in names if n != base]
chosen = p2.multiselect("Variants compared with it", others, default=others[:3], key="compare_pick")
picked = [base, *[n for n in others if n in chosen]]  # baseline first, then in saved order

# ----- edits -----------------------------------------------------------------------------------
MAX_EDITS = 12
st.markdown(f"##### What each variant changes in the scenario of “{base}”")
base_sc = entries[base][1]
edit_counts: dict[str, int] = {base: 0}
for n in picked[1:]:
    lines = scenario_diff(base_sc, entries[n][1])
    edit_counts[n] = len(lines)
    if not lines:
        st.markdown(f"**{n}**: no edits (the same scenario, solved again).")
        continue
    shown = "\n".join(f"  - {x}" for x in lines[:MAX_EDITS])
    more = f"\n  - … and {len(lines) - MAX_EDITS} more" if len(lines) > MAX_EDITS else ""
    st.markdown(f"- **{n}**: {len(lines)} edit{'s' if len(lines) != 1 else ''}\n{shown}{more}")
if len(picked) == 1:
    st.caption("Pick variants to compare with the baseline.")

# ----- KPIs ------------------------------------------------------------------------------------
#: the short name of each variant in the headings of the per-unit and per-type tables (the
#: full name in the help and in the line above them): B the baseline, V1, V2... the others
tag = {n: "B" if i == 0 else f"V{i}" for i, n in enumerate(picked)}
rel_gap = {(n, g): gap for n in picked for g, _, _, gap in charts.goal_gaps(entries[n][0])}
GAP_HELP = ("How far the value may be from the best plan: (value − proven bound) / value, as on the "
            "Plan page's Gap card")
NONE = "—"  # a cell with no value (the baseline's change, a unit with no closure)
rows = []
gap_goals: dict[str, str | None] = {}
for n in picked:
    p, sc = entries[n]
    k = p.kpis
    goal, gap = charts.headline_gap(p)
    rows.append({"variant": n, "edits": edit_counts.get(n, 0),
                 "closure_hour": k.get("closure_hour"), "closure_dtg": times.caption(sc, k.get("closure_hour")),
                 "late_units": k.get("late_units"),
                 "undelivered_pax": k.get("undelivered_pax"), "undelivered_stons": k.get("undelivered_stons"),
                 "missions": k.get("missions"), "flying_hours": k.get("flying_hours"), "status": p.status,
                 "gap_%": None if gap is None else 100 * gap})
    gap_goals[n] = goal
st.subheader("KPIs")
kdf = pd.DataFrame(rows).set_index("variant")
# "gap (closure)" as on the Plan page's card when every variant's gap is of one goal
one_goal = len(set(gap_goals.values())) == 1 and None not in gap_goals.values()
gap_heading = f"gap ({gap_goals[base]})" if one_goal else "gap"
gap_of = gap_goals[base] if one_goal else "; ".join(f"{n}: {g or '-'}" for n, g in gap_goals.items())
W = times.fit_width
st.dataframe(kdf, width="stretch", placeholder=NONE, column_config={
    "_index": st.column_config.TextColumn("variant", width=min(200, W("variant", kdf.index))),
    "edits": st.column_config.NumberColumn("edits", width=W("edits"), help="Edits against the baseline's scenario"),
    "closure_hour": st.column_config.NumberColumn("closure h", format="%.1f", width=W("closure h")),
    "closure_dtg": st.column_config.TextColumn("closure DTG", width=W("closure DTG", kdf["closure_dtg"]),
                                               help="Force closure as a Zulu date-time group and C-day"),
    "late_units": st.column_config.NumberColumn("late", width=W("late"), help="Units late"),
    "undelivered_pax": st.column_config.NumberColumn("short pax", width=W("short pax"),
                                                     help="Soldiers not delivered"),
    "undelivered_stons": st.column_config.NumberColumn("short st", format="%.1f", width=W("short st"),
                                                       help="Short tons of cargo not delivered"),
    "missions": st.column_config.NumberColumn("missions", width=W("missions")),
    "flying_hours": st.column_config.NumberColumn("flying h", format="%.0f", width=W("flying h")),
    "status": st.column_config.TextColumn("status", width=W("status", kdf["status"])),
    "gap_%": st.column_config.NumberColumn(gap_heading, format="%.1f %%", width=W(gap_heading, ["100.0 %"]),
                                           help=f"The first goal not proven best ({gap_of}). {GAP_HELP}."),
})

st.markdown("##### Goals: value, proven bound and change against the baseline")
goals = page_charts.goal_rows({n: entries[n][0] for n in picked}, base)
if len(goals):
    goals.insert(goals.columns.get_loc("gap"), "gap_%",
                 [None if (x := rel_gap.get((n, g))) is None else 100 * x
                  for n, g in zip(goals["variant"], goals["goal"], strict=True)])
    st.dataframe(goals, hide_index=True, width="stretch", placeholder=NONE, column_config={
        "variant": st.column_config.TextColumn("variant", width=min(200, W("variant", goals["variant"]))),
        "goal": st.column_config.TextColumn("goal", width=W("goal", goals["goal"])),
        "value": st.column_config.NumberColumn("value", format="%.2f", width=W("value", ["99,999.99"])),
        "bound": st.column_config.NumberColumn("bound", format="%.2f", width=W("bound", ["99,999.99"]),
                                               help="Proven: no plan of its scenario does better"),
        "gap_%": st.column_config.NumberColumn("gap", format="%.1f %%", width=W("gap", ["100.0 %"]),
                                               help=GAP_HELP),
        "gap": st.column_config.NumberColumn("gap (abs.)", format="%.2f", width=W("gap (abs.)"),
                                             help="Value minus bound, in the goal's own units (hours for "
                                                  "closure and flying_hours): how much better a plan may be"),
        "change": st.column_config.NumberColumn("Δ baseline", format="%+.2f", width=W("Δ baseline"),
                                                help="The variant's value minus the baseline's, in the "
                                                     "goal's units; none for the baseline itself"),
        "verdict": st.column_config.TextColumn("verdict", width=W("verdict", goals["verdict"])),
    })
    st.caption("A change smaller than the gap (abs.) of either plan is **within solver noise**: a longer "
               "solve of either may close it. Lower is better for every goal.")
else:
    st.caption("These plans carry no solver values (plans read from files).")

# ----- per unit --------------------------------------------------------------------------------
base = picked[0]
frames = {}
for n in picked:
    p, sc = entries[n]
    f = charts.closure_frame(p, sc).set_index("unit")
    frames[n] = f
st.subheader(f"Closure per unit against “{base}”")


def tags_line() -> str:
    """``B: “baseline” · V1: “lead battalion 650”``: the short names of the headings."""
    return " · ".join(f"**{tag[n]}**: “{n}”" for n in picked)


units = list(dict.fromkeys(u for f in frames.values() for u in f.index))
table = pd.DataFrame(index=pd.Index(units, name="unit"))
table["rdd"] = [frames[base]["rdd"].get(u) for u in units]
cfg = {"unit": st.column_config.TextColumn("unit", width=W("unit", units)),
       "rdd": st.column_config.NumberColumn("RDD h", format="%.1f", width=W("RDD h"),
                                            help="Required delivery, hours from C-hour 0 (in the baseline)")}
for i, n in enumerate(picked):  # keys by position: a variant may be called anything
    t = tag[n]
    table[f"c{i}"] = pd.to_numeric(pd.Series([frames[n]["closure"].get(u) for u in units], index=table.index),
                                   errors="coerce")
    cfg[f"c{i}"] = st.column_config.NumberColumn(f"{t} h", format="%.1f", width=W(f"{t} h", ["999.9"]),
                                                 help=f"Closure hour in “{n}”")
    table[f"t{i}"] = times.dtgs(entries[n][1], table[f"c{i}"])
    cfg[f"t{i}"] = st.column_config.TextColumn(f"{t} DTG", width=W(f"{t} DTG", table[f"t{i}"]),
                                               help=f"Closure in “{n}” as a Zulu date-time group")
    if i:
        table[f"d{i}"] = table[f"c{i}"] - table["c0"]
        cfg[f"d{i}"] = st.column_config.NumberColumn(f"Δ {t} h", format="%+.1f", width=W(f"Δ {t} h", ["+999.9"]),
                                                     help=f"“{n}” minus “{base}”, hours")
status = {n: frames[n]["status"] for n in picked}
table["status"] = [" / ".join(str(status[n].get(u, "-")) for n in picked) for u in units]
heading = "status " + " / ".join(tag[n] for n in picked)
cfg["status"] = st.column_config.TextColumn(heading, width=W(heading, table["status"]),
                                            help="Each unit's status in " + ", ".join(f"“{n}”" for n in picked))
st.markdown(tags_line())
st.dataframe(table, width="stretch", column_config=cfg, placeholder=NONE)
st.caption("Closure hour of each unit in each plan; Δ: later (+) or earlier (−) than the baseline, "
           f"{NONE} when a unit is not fully delivered in one of the two.")

st.subheader("Units that changed destination")
moved = []
for n in picked[1:]:
    for u in units:
        a = frames[base]["destination"].get(u)
        b = frames[n]["destination"].get(u)
        if a != b:
            moved.append({"variant": n, "unit": u, "from": a or "-", "to": b or "-"})
if moved:
    st.dataframe(pd.DataFrame(moved), hide_index=True, width="stretch", placeholder=NONE, column_config={
        "from": st.column_config.TextColumn("in the baseline", width=W("in the baseline"), help=f"In “{base}”"),
        "to": st.column_config.TextColumn("in the variant", width=W("in the variant"))})
else:
    st.markdown("None: every unit goes to the same base in all variants picked.")

mission_changes.render_compare(entries, picked)  # a re-plan against the plan it came from

# ----- missions by type --------------------------------------------------------------------------
st.subheader("Missions by aircraft type")
cnt = []
all_types = list(dict.fromkeys(t for n in picked for t in entries[n][1].fleet_types))
for n in picked:
    p, _ = entries[n]
    by_type: dict[str, int] = dict.fromkeys(all_types, 0)  # a type not flown shows as 0
    for m in p.missions:
        by_type[m.aircraft] = by_type.get(m.aircraft, 0) + 1
    cnt.extend({"variant": n, "aircraft": t, "missions": c} for t, c in by_type.items())
if cnt:
    cdf = pd.DataFrame(cnt)
    c1, c2 = st.columns([3, 2])
    with c1:
        st.altair_chart(charts.missions_by_type_chart(cdf), width="stretch")
    with c2:
        piv = cdf.pivot_table(index="aircraft", columns="variant", values="missions", fill_value=0)
        piv = piv.reindex(columns=[n for n in picked if n in piv.columns])  # baseline first, not A-Z
        st.dataframe(piv, width="stretch", placeholder=NONE, column_config={
            "_index": st.column_config.TextColumn("aircraft", width=W("aircraft", piv.index)),
            **{n: st.column_config.NumberColumn(tag[n], width=W(tag[n], ["999"]), help=f"Missions in “{n}”")
               for n in piv.columns}})
        st.caption(tags_line())
else:
    st.markdown("No missions in the variants picked.")

# ----- manage ------------------------------------------------------------------------------------
if variants:
    with st.expander("Manage variants", icon=":material/delete:"):
        gone = st.selectbox("Variant", list(variants), key="variant_delete_pick")
        if st.button("Delete variant", key="variant_delete"):
            variants.pop(gone, None)
            st.rerun()
