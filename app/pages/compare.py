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
rows = []
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
st.subheader("KPIs")
kdf = pd.DataFrame(rows).set_index("variant")
small = "small"
st.dataframe(kdf, width="stretch", column_config={
    "_index": st.column_config.TextColumn("variant", width="medium"),
    "edits": st.column_config.NumberColumn("edits", width=small, help="Edits against the baseline's scenario"),
    "closure_hour": st.column_config.NumberColumn("closure h", format="%.1f", width=small),
    "closure_dtg": st.column_config.TextColumn("closure DTG", width="medium",
                                               help="Force closure as a Zulu date-time group and C-day"),
    "late_units": st.column_config.NumberColumn("late", width=small, help="Units late"),
    "undelivered_pax": st.column_config.NumberColumn("short soldiers", width=small,
                                                     help="Soldiers not delivered"),
    "undelivered_stons": st.column_config.NumberColumn("short st", format="%.1f", width=small,
                                                       help="Short tons not delivered"),
    "missions": st.column_config.NumberColumn("missions", width=small),
    "flying_hours": st.column_config.NumberColumn("flying h", format="%.0f", width=small),
    "status": st.column_config.TextColumn("status", width=small),
    "gap_%": st.column_config.NumberColumn("gap %", format="%.1f", width=small,
                                           help="The first goal not proven best: how far from its bound"),
})

st.markdown("##### Goals: value, proven bound and change against the baseline")
goals = page_charts.goal_rows({n: entries[n][0] for n in picked}, base)
if len(goals):
    st.dataframe(goals, hide_index=True, width="stretch", column_config={
        "variant": st.column_config.TextColumn("variant", width="medium"),
        "goal": st.column_config.TextColumn("goal", width=small),
        "value": st.column_config.NumberColumn("value", format="%.2f", width=small),
        "bound": st.column_config.NumberColumn("bound", format="%.2f", width=small,
                                               help="Proven: no plan of its scenario does better"),
        "gap": st.column_config.NumberColumn("gap", format="%.2f", width=small,
                                             help="Value minus bound: how much better a plan may exist"),
        "change": st.column_config.NumberColumn("Δ baseline", format="%+.2f", width=small),
        "verdict": st.column_config.TextColumn("verdict", width="medium"),
    })
    st.caption("A change smaller than the gap of either plan is **within solver noise**: a longer "
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


def short(name: str, n: int = 18) -> str:
    """A column label that fits; the full name is in the column's help."""
    return name if len(name) <= n else name[: n - 1] + "…"


units = list(dict.fromkeys(u for f in frames.values() for u in f.index))
table = pd.DataFrame(index=pd.Index(units, name="unit"))
table["rdd"] = [frames[base]["rdd"].get(u) for u in units]
cfg = {"unit": st.column_config.TextColumn("unit", width="medium"),
       "rdd": st.column_config.NumberColumn("RDD h", format="%.1f", width="small")}
for i, n in enumerate(picked):  # keys by position: a variant may be called anything
    table[f"c{i}"] = pd.to_numeric(pd.Series([frames[n]["closure"].get(u) for u in units], index=table.index),
                                   errors="coerce")
    cfg[f"c{i}"] = st.column_config.NumberColumn(short(n), format="%.1f", width="small",
                                                 help=f"Closure hour in “{n}”")
    table[f"t{i}"] = times.dtgs(entries[n][1], table[f"c{i}"])
    cfg[f"t{i}"] = st.column_config.TextColumn(f"{short(n, 14)} DTG", width="small",
                                               help=f"Closure in “{n}” as a Zulu date-time group")
    if i:
        table[f"d{i}"] = table[f"c{i}"] - table["c0"]
        cfg[f"d{i}"] = st.column_config.NumberColumn(f"Δ {short(n, 14)}", format="%+.1f", width="small",
                                                     help=f"“{n}” minus “{base}”, hours")
status = {n: frames[n]["status"] for n in picked}
table["status"] = [" / ".join(str(status[n].get(u, "-")) for n in picked) for u in units]
cfg["status"] = st.column_config.TextColumn("status (" + " / ".join(short(n, 10) for n in picked) + ")",
                                            width="medium")
st.dataframe(table, width="stretch", column_config=cfg)
st.caption("Closure hour of each unit in each plan; Δ: later (+) or earlier (−) than the baseline, "
           "empty when a unit is not fully delivered in one of the two.")

st.subheader("Units that changed destination")
moved = []
for n in picked[1:]:
    for u in units:
        a = frames[base]["destination"].get(u)
        b = frames[n]["destination"].get(u)
        if a != b:
            moved.append({"variant": n, "unit": u, "from": a or "-", "to": b or "-"})
if moved:
    st.dataframe(pd.DataFrame(moved), hide_index=True, width="stretch", column_config={
        "from": st.column_config.TextColumn(f"in {short(base)}", width="small"),
        "to": st.column_config.TextColumn("in the variant", width="small")})
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
        st.dataframe(piv, width="stretch", column_config={
            n: st.column_config.NumberColumn(short(n, 12), width="small", help=n) for n in piv.columns})
else:
    st.markdown("No missions in the variants picked.")

# ----- manage ------------------------------------------------------------------------------------
if variants:
    with st.expander("Manage variants", icon=":material/delete:"):
        gone = st.selectbox("Variant", list(variants), key="variant_delete_pick")
        if st.button("Delete variant", key="variant_delete"):
            variants.pop(gone, None)
            st.rerun()
