"""Compare page: save plans as named variants and put them side by side: KPIs, closure
per unit, units that changed destination, missions by aircraft type."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app import charts, state

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
entries: dict[str, tuple] = {n: (v.plan, v.scenario) for n, v in variants.items()}
if state.plan() is not None and not any(v.plan is state.plan() for v in variants.values()):
    entries[CURRENT] = (state.plan(), state.plan_scenario())

if len(entries) < 2:
    st.info("Save at least two variants (or one variant and a new current plan) to compare them: "
            "solve, save, change the scenario, solve again.", icon=":material/info:")
    if not entries:
        st.stop()

names = list(entries)
picked = st.multiselect("Variants side by side (the first is the baseline)", names,
                        default=names[:4], key="compare_pick")
if not picked:
    st.stop()

# ----- KPIs ------------------------------------------------------------------------------------
rows = []
for n in picked:
    p, sc = entries[n]
    k = p.kpis
    goal, gap = charts.headline_gap(p)
    rows.append({"variant": n, "scenario": sc.name, "status": p.status,
                 "closure_hour": k.get("closure_hour"), "late_units": k.get("late_units"),
                 "undelivered_pax": k.get("undelivered_pax"), "undelivered_stons": k.get("undelivered_stons"),
                 "missions": k.get("missions"), "flying_hours": k.get("flying_hours"),
                 "gap_%": None if gap is None else 100 * gap})
st.subheader("KPIs")
kdf = pd.DataFrame(rows).set_index("variant")
st.dataframe(kdf, width="stretch", column_config={
    "closure_hour": st.column_config.NumberColumn("closure h", format="%.1f"),
    "late_units": st.column_config.NumberColumn("late units"),
    "undelivered_pax": st.column_config.NumberColumn("undelivered soldiers"),
    "undelivered_stons": st.column_config.NumberColumn("undelivered st", format="%.1f"),
    "flying_hours": st.column_config.NumberColumn("flying h", format="%.0f"),
    "gap_%": st.column_config.NumberColumn("gap %", format="%.1f"),
})

# ----- per unit --------------------------------------------------------------------------------
base = picked[0]
frames = {}
for n in picked:
    p, sc = entries[n]
    f = charts.closure_frame(p, sc).set_index("unit")
    frames[n] = f
st.subheader(f"Closure per unit against “{base}”")
units = list(dict.fromkeys(u for f in frames.values() for u in f.index))
table = pd.DataFrame(index=pd.Index(units, name="unit"))
table["RDD"] = [frames[base]["rdd"].get(u) for u in units]
table[f"{base}"] = [frames[base]["closure"].get(u) for u in units]
for n in picked[1:]:
    table[n] = [frames[n]["closure"].get(u) for u in units]
    table[f"Δ {n} (h)"] = table[n].astype(float) - table[base].astype(float)
status = {n: frames[n]["status"] for n in picked}
table["status"] = [" / ".join(str(status[n].get(u, "-")) for n in picked) for u in units]
cfg = {c: st.column_config.NumberColumn(c, format="%.1f") for c in table.columns if c != "status"}
st.dataframe(table, width="stretch", column_config=cfg)
st.caption("Δ: later (+) or earlier (−) closure than the baseline; empty when a unit is not fully "
           "delivered in one of the two.")

st.subheader("Units that changed destination")
moved = []
for n in picked[1:]:
    for u in units:
        a = frames[base]["destination"].get(u)
        b = frames[n]["destination"].get(u)
        if a != b:
            moved.append({"variant": n, "unit": u, f"destination in {base}": a or "-", "destination": b or "-"})
if moved:
    st.dataframe(pd.DataFrame(moved), hide_index=True, width="stretch")
else:
    st.markdown("None: every unit goes to the same base in all variants picked.")

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
        st.dataframe(cdf.pivot_table(index="aircraft", columns="variant", values="missions", fill_value=0),
                     width="stretch")
else:
    st.markdown("No missions in the variants picked.")

# ----- manage ------------------------------------------------------------------------------------
if variants:
    with st.expander("Manage variants", icon=":material/delete:"):
        gone = st.selectbox("Variant", list(variants), key="variant_delete_pick")
        if st.button("Delete variant", key="variant_delete"):
            variants.pop(gone, None)
            st.rerun()
