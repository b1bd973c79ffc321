"""The Plan page's re-planning panel (SPEC 5.3): the planner's "now", the "What
changed?" event editor, "Re-plan from now" in the background runner and its result.

* :func:`now_input`: the current hour (bounded by the horizon), as a DTG, and how many
  missions have started by then;
* :func:`events_editor`: events (aircraft withdrawn, a MOG change, a readiness slip, a
  unit added) collected as a list the planner can prune, then written into the
  scenario being edited (:mod:`app.state`), so the Scenario page shows them;
* :func:`replan_controls`: starts :func:`logistics.replan` on the current plan in the
  app's :class:`~app.runner.SolveRunner`, shows its progress with a Cancel, and a
  conflict (:class:`~logistics.ReplanError`) as a list of missions and rules;
* :func:`replan_result`: the current plan's changes against the plan it re-plans.
"""

from __future__ import annotations

import re
from typing import Any

import streamlit as st

from logistics.errors import ScenarioError
from logistics.plan import Plan
from logistics.replan import split
from logistics.scenario import Scenario

from . import mission_changes, state
from .replan_events import KINDS, apply_events, describe, dtg, local_time, problem_text

ss = st.session_state


def events() -> list[dict[str, Any]]:
    """The pending events (not yet written into the scenario)."""
    return ss.setdefault("replan_events", [])


def _persist(key: str, default: Any) -> None:
    """Widget values survive a visit to another page (widget state alone would not)."""
    if key not in ss:
        ss[key] = ss.get(f"_{key}", default)


# ----- now ---------------------------------------------------------------------------------------
def now_input(plan: Plan, scen: Scenario) -> float:
    """The planner's current hour: a number input (0 to the horizon) and its DTG."""
    horizon = float(scen.horizon_hours)
    _persist("now_hour", 0.0)
    if not 0.0 <= float(ss["now_hour"]) <= horizon:  # a plan of a shorter horizon
        ss["now_hour"] = min(max(0.0, float(ss["now_hour"])), horizon)
    c1, c2 = st.columns([1, 3], vertical_alignment="bottom")
    now = float(c1.number_input("Now (hours from C-hour 0)", min_value=0.0, max_value=horizon, step=1.0,
                                key="now_hour", format="%g",
                                help="The current hour: missions whose onload began before it have "
                                     "started and are kept exactly as flown in a re-plan."))
    ss["_now_hour"] = now
    done, _ = split(scen, plan, now)
    local = local_time(scen, now)
    c2.markdown(f"**Now: {dtg(scen, now)}** (h{now:g}{f', {local} local' if local else ''}): "
                f"{len(done)} of {len(plan.missions)} missions started by now, outlined and marked "
                "“started” on the timeline.")
    return now


# ----- events ------------------------------------------------------------------------------------
def _event_form(scen: Scenario, now: float, kind: str) -> dict[str, Any]:
    """The fields of one event kind; returns the event they describe."""
    h = float(scen.horizon_hours)
    hour = {"min_value": 0.0, "max_value": h, "step": 1.0, "format": "%g"}
    if kind == "withdraw":
        c = st.columns(3)
        typ = c[0].selectbox("Aircraft type", scen.fleet_types, key="ev_w_type")
        n = c[1].number_input("How many", min_value=1, step=1, value=1, key="ev_w_count")
        frm = c[2].number_input("Withdrawn from hour", value=now, key="ev_w_from", **hour)
        return {"kind": "withdraw", "type": typ, "count": int(n), "from_hour": float(frm)}
    if kind == "mog":
        c = st.columns(4)
        icao = c[0].selectbox("Airfield", scen.airfield_codes, key="ev_m_icao")
        frm = c[1].number_input("From hour", value=now, key="ev_m_from", **hour)
        to = c[2].number_input("To hour", value=min(h, now + 24.0), key="ev_m_to", **hour)
        mog = c[3].number_input("New MOG (0 closes it)", min_value=0, step=1, value=0, key="ev_m_mog")
        return {"kind": "mog", "icao": icao, "from_hour": float(frm), "to_hour": float(to), "mog": int(mog)}
    if kind == "slip":
        c = st.columns(2)
        ids = [u.id for u in scen.units]
        unit = c[0].selectbox("Unit", ids, key="ev_s_unit")
        ready = c[1].number_input("New ready hour (ALD)", value=now, key="ev_s_ready", **hour)
        return {"kind": "slip", "unit": unit, "ready_hour": float(ready)}
    return {"kind": "unit", "unit": _unit_fields(scen, now, hour)}


def _unit_fields(scen: Scenario, now: float, hour: dict[str, Any]) -> dict[str, Any]:
    codes = scen.airfield_codes
    origins = list(dict.fromkeys([u.origin for u in scen.units] + codes))
    dests = list(dict.fromkeys([d.airfield for d in scen.destinations] + codes))
    c = st.columns([1, 1, 2])
    uid = c[0].text_input("Unit id", key="ev_u_id", placeholder="e.g. 1-325-AIR")
    origin = c[1].selectbox("Origin", origins, key="ev_u_origin")
    to = c[2].multiselect("Destinations", dests, default=dests[:1], key="ev_u_dests")
    c = st.columns(4)
    pax = c[0].number_input("Soldiers", min_value=0, step=10, value=0, key="ev_u_pax")
    bulk = c[1].number_input("Bulk st", min_value=0.0, step=1.0, value=0.0, key="ev_u_bulk")
    over = c[2].number_input("Oversize st", min_value=0.0, step=1.0, value=0.0, key="ev_u_over")
    out = c[3].number_input("Outsize st", min_value=0.0, step=1.0, value=0.0, key="ev_u_out")
    c = st.columns(4)
    ready = c[0].number_input("Ready (ALD) h", value=now, key="ev_u_ready", **hour)
    rdd = c[1].number_input("RDD h (blank: the LAD)", value=None, key="ev_u_rdd", **hour)
    lad = c[2].number_input("LAD h (blank: the horizon)", value=None, key="ev_u_lad", **hour)
    pri = c[3].number_input("Priority (1 highest)", min_value=1, max_value=9, step=1, value=5, key="ev_u_pri")
    return {"id": uid.strip(), "name": "added while flying", "origin": origin, "destinations": list(to),
            "pax": int(pax), "bulk_stons": float(bulk), "oversize_stons": float(over),
            "outsize_stons": float(out), "ready_hour": float(ready), "required_hour": rdd,
            "latest_arrival_hour": lad, "priority": int(pri)}


def _show_problems(title: str, problems: list) -> None:
    st.error(f"{title} {len(problems)} problem{'s' if len(problems) != 1 else ''}:\n"
             + "\n".join(f"- {problem_text(p)}" for p in problems), icon=":material/error:")


def write_events() -> bool:
    """Write the pending events into the scenario being edited; ``False`` (and every
    problem shown, the events kept) when the result would not be a valid scenario."""
    pending = events()
    if not pending:
        return True
    d0 = state.scenario_dict()
    d, probs = apply_events(d0, pending, ss.get("scenario_source") or "<scenario>")
    if probs:
        ss["replan_event_problems"] = ("The events were not written: the scenario would have", probs)
        return False
    for section in ("aircraft", "airfields", "units"):
        if d.get(section) != d0.get(section):
            state.update_dict(section, d.get(section))
    ss.setdefault("replan_applied", []).extend(describe(e) for e in pending)
    pending.clear()
    ss.pop("replan_event_problems", None)
    return True


def events_editor(scen: Scenario, now: float) -> None:
    """"What changed?": add events, see and prune the pending list, write it into the scenario."""
    kind = st.radio("What changed?", list(KINDS), format_func=KINDS.get, horizontal=True, key="ev_kind")
    ev = _event_form(scen, now, kind)
    if st.button("Add event", icon=":material/add:", key="ev_add"):
        _, probs = apply_events(state.scenario_dict(), [*events(), ev], ss.get("scenario_source") or "<scenario>")
        if probs:
            ss["replan_event_problems"] = (f"Not added: “{describe(ev)}”. The scenario would have", probs)
        else:
            events().append(ev)
            ss.pop("replan_event_problems", None)
    bad = ss.get("replan_event_problems")
    if bad:
        _show_problems(*bad)
    if events():
        st.markdown(f"**Pending events ({len(events())})**, written into the scenario by “Write into the "
                    "scenario” or “Re-plan from now”:")
        for i, e in enumerate(events()):
            c1, c2 = st.columns([5, 1], vertical_alignment="center")
            c1.markdown(f"{i + 1}. {describe(e)}")
            if c2.button("Remove", key=f"ev_rm_{i}", icon=":material/close:"):
                events().pop(i)
                ss.pop("replan_event_problems", None)
                st.rerun()
        if st.button("Write into the scenario", icon=":material/edit_note:", key="ev_apply"):
            if write_events():
                st.rerun()
            _show_problems(*ss["replan_event_problems"])
    applied = ss.get("replan_applied") or []
    if applied:
        st.caption("Written into the scenario so far (see the Scenario page): " + "; ".join(applied))


# ----- re-plan -----------------------------------------------------------------------------------
def _progress() -> None:
    """The live panel of a running re-plan (a polling fragment)."""
    r = state.runner()
    if r is None:
        return
    snap = r.snapshot()
    if snap.finished:
        state.collect()
        st.rerun()
    stage = snap.stage or "starting"
    st.progress(snap.fraction, text=f"Re-planning: {stage} — {snap.elapsed:.1f} s of "
                                    f"{snap.time_limit:.0f} s" + ("  (stopping…)" if r.cancel_requested else ""))
    if st.button("Cancel", icon=":material/stop_circle:", key="replan_cancel", disabled=r.cancel_requested,
                 help="Stop the search; the best re-plan found so far is kept."):
        r.cancel()
        st.rerun(scope="fragment")


def conflict_rows(exc: ScenarioError) -> list[dict[str, str]]:
    """A re-plan's problems as (missions, rule, problem) for the page."""
    rows = []
    for p in exc.problems:
        m = re.fullmatch(r"missions\[(.*)\]", p.loc or "")
        rule = re.search(r"\brule (\w+)", p.message) or re.match(r"(\w+): ", p.message)
        detail = p.message.split("under the new facts: ", 1)[-1]
        rows.append({"missions": m.group(1) if m else (p.loc or ""), "rule": rule.group(1) if rule else "",
                     "problem": detail})
    return rows


def _last_outcome() -> None:
    """A failed re-plan: its conflicts, mission and rule, or the error."""
    r = state.runner()
    if r is None or r.replan_from is None or not r.finished or r.plan is not None:
        return
    snap = r.snapshot()
    now = r.replan_from.now_hour
    if isinstance(r.exception, ScenarioError):
        rows = conflict_rows(r.exception)
        st.error(f"**No re-plan from h{now:g}**: {len(rows)} problem{'s' if len(rows) != 1 else ''} "
                 "with the new facts. The plan being flown stays the current plan and the scenario keeps "
                 "your edits; change the events (on the Scenario page) or now, and re-plan.\n"
                 + "\n".join(f"- **{x['missions']}** — rule **{x['rule'] or '-'}**: {x['problem']}"
                             for x in rows), icon=":material/error:")
    elif snap.state == "failed":
        st.error("The re-plan failed.", icon=":material/error:")
        with st.expander("Details"):
            st.code(snap.error or "")
    else:
        st.warning(f"The re-plan stopped after {snap.elapsed:.1f} s before any plan was found; the plan "
                   "being flown stays current.", icon=":material/warning:")


def replan_controls(plan: Plan, now: float) -> None:
    """"Re-plan from now": time limit, the button, the live progress and a failure."""
    r = state.runner()
    running = r is not None and not r.finished
    _persist("replan_time_limit", 10)
    problems = state.problems()
    c1, c2 = st.columns([1, 3], vertical_alignment="bottom")
    limit = c1.number_input("Re-plan time limit (s)", min_value=1, max_value=300, step=1,
                            key="replan_time_limit", disabled=running)
    ss["_replan_time_limit"] = limit
    go = c2.button("Re-plan from now", type="primary", icon=":material/update:", key="replan",
                   disabled=running or bool(problems) or state.scenario() is None,
                   help="Keeps every mission started by now exactly and plans the rest for the scenario "
                        "as it now stands (the pending events are written into it first).")
    if problems:
        st.warning(f"The scenario has {len(problems)} problem(s): fix them on the Scenario page to "
                   "re-plan.", icon=":material/warning:")
    if go:
        if write_events():
            state.start_replan(state.scenario(), now, float(limit), seed=int(ss.get("_seed", 0)),
                               deterministic=bool(ss.get("_deterministic", False)),
                               workers=int(ss.get("_workers", 0) or 0) or None)
            st.rerun()
        _show_problems(*ss["replan_event_problems"])
    if running:
        if r.replan_from is None:
            st.caption("A solve is running (see the Solve page): re-plan when it is done.")
        else:
            st.fragment(run_every=0.5)(_progress)()
    else:
        _last_outcome()


def previous_of(plan: Plan) -> tuple[str, Plan, Scenario] | None:
    """The plan ``plan`` re-plans: the last one a re-plan started from, else a saved variant."""
    if not plan.replan:
        return None
    cands: dict[str, tuple[Plan, Scenario]] = {}
    prev = ss.get("replan_previous")
    if prev is not None:
        name = next((v.name for v in state.variants().values() if v.plan is prev[0]), "the plan being flown")
        cands[name] = prev
    cands.update({v.name: (v.plan, v.scenario) for v in state.variants().values()})
    found = mission_changes.find_previous(plan, cands)
    return None if found is None else (found, *cands[found])


def replan_result(plan: Plan, scen: Scenario) -> None:
    """When the current plan is a re-plan: the counts and the mission-by-mission changes."""
    if not plan.replan:
        return
    now = float(plan.replan.get("now_hour") or 0.0)
    st.subheader(f"Re-plan from h{now:g} ({dtg(scen, now)})")
    prev = previous_of(plan)
    if prev is None:
        c = mission_changes.counts(plan)
        st.markdown(", ".join(f"{v} {k}" for k, v in c.items()) + ". The plan it came from is not in this "
                    "session, so the missions cannot be shown side by side.")
        return
    name, p0, s0 = prev
    st.caption(f"Against “{name}” (saved as a variant: Compare shows both). Every mission started by "
               f"h{now:g} is kept exactly; the rest is planned for the scenario as it now stands.")
    mission_changes.render_table(p0, s0, plan, scen, key="replan_changes")
