"""Mission by mission, what a re-plan changed in the plan it came from (SPEC 5.3):
kept, changed, cancelled, added, and for a changed mission its old and new departure
(hour and Zulu DTG), routing and loads.

:func:`change_frame` and :func:`counts` are plain pandas; :func:`render_table` and
:func:`render_compare` place them on a page (the Plan page after a re-plan, the Compare
page for any pair of plans where one re-plans the other).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd
import streamlit as st

from logistics.plan import Mission, Plan
from logistics.replan.frozen import differences, started
from logistics.scenario import Scenario
from logistics.timefmt import dtg

from .state import plan_sha256

#: the change kinds of ``plan.replan``, in the order the tables list them
KINDS = ("changed", "cancelled", "added", "kept")
COLUMNS = ["change", "mission", "aircraft", "started", "old depart h", "old depart DTG", "new depart h",
           "new depart DTG", "old routing", "new routing", "old loads", "new loads", "what changed"]


def counts(plan: Plan) -> dict[str, int]:
    """How many missions the re-plan kept, changed, cancelled and added (from ``plan.replan``)."""
    rec = plan.replan or {}
    return {k: len(rec.get(k) or []) for k in ("kept", "changed", "cancelled", "added")}


def loads_text(m: Mission | None) -> str:
    """The mission's loads per unit: ``A 120 pax 20 st; B 40 pax``."""
    if m is None:
        return ""
    per: dict[str, list[float]] = {}
    for ld in m.loads:
        q = per.setdefault(ld.unit, [0, 0.0])
        q[0] += ld.pax
        q[1] += ld.cargo_stons
    parts = []
    for unit, (pax, st_) in per.items():
        bits = ([f"{int(pax):,} pax"] if pax else []) + ([f"{st_:,.1f} st"] if st_ > 1e-9 else [])
        parts.append(f"{unit} {' '.join(bits) or 'empty'}")
    return "; ".join(parts)


def _kind_of(plan: Plan, previous: Plan) -> dict[str, str]:
    """Mission id -> change kind: from ``plan.replan`` when it has one, else by id and
    :func:`~logistics.replan.frozen.differences`."""
    rec = plan.replan or {}
    if any(rec.get(k) for k in KINDS):
        return {i: k for k in KINDS for i in rec.get(k) or []}
    old = {m.id: m for m in previous.missions}
    new = {m.id: m for m in plan.missions}
    out = {i: ("changed" if differences(old[i], new[i]) else "kept") for i in new if i in old}
    out.update({i: "cancelled" for i in old if i not in new})
    out.update({i: "added" for i in new if i not in old})
    return out


def change_frame(previous: Plan, prev_scenario: Scenario, plan: Plan, scenario: Scenario,
                 now_hour: float | None = None) -> pd.DataFrame:
    """One row per mission of either plan: the change (kept, changed, cancelled, added),
    whether it had started by ``now`` (default: the re-plan's), the old and new
    departure, routing and loads, and what changed in plain words."""
    if now_hour is None:
        now_hour = float((plan.replan or {}).get("now_hour") or 0.0)
    old = {m.id: m for m in previous.missions}
    new = {m.id: m for m in plan.missions}
    rows = []
    for mid, kind in _kind_of(plan, previous).items():
        a, b = old.get(mid), new.get(mid)
        m = a or b
        what = {"cancelled": "no longer flown", "added": "a new mission", "kept": ""}.get(kind, "")
        if kind == "changed" and a is not None and b is not None:
            what = "; ".join(differences(a, b))
        rows.append({
            "change": kind, "mission": mid, "aircraft": m.aircraft if m else "",
            "started": bool(a is not None and started(prev_scenario, a, now_hour)),
            "old depart h": a.start_hour if a else None,
            "old depart DTG": dtg(prev_scenario, a.start_hour) if a and a.legs else None,
            "new depart h": b.start_hour if b else None,
            "new depart DTG": dtg(scenario, b.start_hour) if b and b.legs else None,
            "old routing": a.routing if a else "", "new routing": b.routing if b else "",
            "old loads": loads_text(a), "new loads": loads_text(b), "what changed": what})
    df = pd.DataFrame(rows, columns=COLUMNS)
    if df.empty:
        return df
    order = {k: i for i, k in enumerate(KINDS)}
    df["_k"] = df["change"].map(order)
    df["_t"] = df["new depart h"].fillna(df["old depart h"])
    return df.sort_values(["_k", "_t", "mission"]).drop(columns=["_k", "_t"]).reset_index(drop=True)


def find_previous(plan: Plan, candidates: Mapping[str, tuple[Plan, Scenario]]) -> str | None:
    """The name of the candidate ``plan`` re-plans (its file hash is ``plan.replan``'s
    ``previous.sha256``), or ``None``."""
    sha = ((plan.replan or {}).get("previous") or {}).get("sha256")
    if not sha:
        return None
    for name, (p, _) in candidates.items():
        if p is not plan and plan_sha256(p) == sha:
            return name
    return None


# ----- on a page ---------------------------------------------------------------------------------
COLUMN_CONFIG: dict[str, Any] = {
    "old depart h": st.column_config.NumberColumn("old depart h", format="%.2f",
                                                  help="Departure from the origin in the plan being flown"),
    "new depart h": st.column_config.NumberColumn("new depart h", format="%.2f"),
    "old depart DTG": st.column_config.TextColumn("old depart DTG", help="The old departure as a Zulu date-time group"),
    "new depart DTG": st.column_config.TextColumn("new depart DTG", help="The new departure as a Zulu date-time group"),
    "started": st.column_config.CheckboxColumn("started", help="Started by now: kept exactly as flown"),
}


def render_table(previous: Plan, prev_scenario: Scenario, plan: Plan, scenario: Scenario,
                 key: str, only_moved: bool = False) -> pd.DataFrame:
    """The change counts and the mission-by-mission table (``only_moved``: without the
    missions kept)."""
    c = counts(plan)
    cols = st.columns(4)
    for col, k in zip(cols, ("kept", "changed", "cancelled", "added"), strict=True):
        col.metric(k.capitalize(), c[k], border=True)
    df = change_frame(previous, prev_scenario, plan, scenario)
    shown = df[df["change"] != "kept"] if only_moved else df
    if shown.empty:
        st.markdown("No mission changed: the re-plan keeps the plan being flown.")
    else:
        st.dataframe(shown, hide_index=True, width="stretch", column_config=COLUMN_CONFIG, key=key,
                     height=min(420, 38 + 35 * len(shown)))
    return df


def render_compare(entries: Mapping[str, tuple[Plan, Scenario]], picked: Sequence[str]) -> None:
    """On the Compare page: for each picked plan that re-plans another plan on the page,
    what changed mission by mission."""
    pairs = []
    for n in picked:
        p, _ = entries[n]
        if p.replan:
            base = find_previous(p, entries)
            if base is not None:
                pairs.append((base, n))
    if not pairs:
        return
    st.subheader("Missions changed by a re-plan")
    for base, n in pairs:
        (prev, prev_sc), (p, sc) = entries[base], entries[n]
        now = float(p.replan.get("now_hour") or 0.0)
        st.markdown(f"**{n}** re-plans **{base}** at h{now:g} ({dtg(sc, now)}): every mission started "
                    "by then is kept exactly.")
        render_table(prev, prev_sc, p, sc, key=f"compare_changes_{base}_{n}")
